"""The ledger as CSV, streamed: pages of rows read by keyset (the entry id), so an export of any
size holds one page in memory at a time.

Oldest first. The export is the ledger as it stood when it began: rows written meanwhile come
after the highest id seen at the start and are left out, so the announced count is exact.
Money columns: integer minor units, then the amount as text in the currency's format (never a
float), then the currency.
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, func, select

from credits_core.money import format_money
from credits_server.context import Context
from credits_server.models import Account, LedgerEntry, Receipt
from credits_server.representations import transaction_id
from credits_server.services.transactions import check_kind

PAGE_ROWS = 2000
HEADER = (
    "id",
    "created_at",
    "kind",
    "description",
    "amount_minor",
    "amount",
    "balance_after_minor",
    "balance_after",
    "currency",
    "receipt_id",
)
# A cell starting with one of these is a formula to a spreadsheet: a description is text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True, slots=True)
class ExportPlan:
    account_id: str
    currency: str
    start: date | None
    end: date | None
    kind: str | None
    last_id: int
    """The highest entry id when the export began: nothing after it is exported."""
    rows: int


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def _filters(plan: ExportPlan) -> list[ColumnElement[bool]]:
    where = [LedgerEntry.account_id == plan.account_id, LedgerEntry.id <= plan.last_id]
    if plan.start is not None:
        where.append(LedgerEntry.created_at >= _midnight(plan.start))
    if plan.end is not None:  # the whole last day (UTC)
        where.append(LedgerEntry.created_at < _midnight(plan.end + timedelta(days=1)))
    if plan.kind is not None:
        where.append(LedgerEntry.kind == plan.kind)
    return where


async def plan_export(
    ctx: Context, account_id: str, start: date | None, end: date | None, kind: str | None
) -> ExportPlan:
    """What will be exported, and how many rows (for a progress bar)."""
    check_kind(kind)
    async with ctx.db.read() as session:
        account = await session.get(Account, account_id)
        assert account is not None  # the caller's own account
        last_id = (
            await session.execute(
                select(func.max(LedgerEntry.id)).where(LedgerEntry.account_id == account_id)
            )
        ).scalar_one_or_none() or 0
        plan = ExportPlan(account_id, account.currency, start, end, kind, last_id, 0)
        count = select(func.count()).select_from(LedgerEntry).where(*_filters(plan))
        rows = (await session.execute(count)).scalar_one()
    return ExportPlan(account_id, account.currency, start, end, kind, last_id, rows)


def _text_cell(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_START) else text


async def csv_chunks(ctx: Context, plan: ExportPlan) -> AsyncIterator[bytes]:
    """The CSV: the header, then one chunk per page of rows."""
    columns = (
        LedgerEntry.id,
        LedgerEntry.created_at,
        LedgerEntry.kind,
        LedgerEntry.description,
        LedgerEntry.amount,
        LedgerEntry.balance_after,
        Receipt.id,
    )
    base = (
        select(*columns)
        .outerjoin(Receipt, Receipt.ledger_entry_id == LedgerEntry.id)
        .where(*_filters(plan))
        .order_by(LedgerEntry.id)
        .limit(PAGE_ROWS)
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    yield buffer.getvalue().encode()
    after = 0
    currency = plan.currency
    while True:
        async with ctx.db.read() as session:
            rows = list(await session.execute(base.where(LedgerEntry.id > after)))
        if not rows:
            return
        buffer.seek(0)
        buffer.truncate()
        for entry_id, created_at, kind, description, amount, balance, receipt_id in rows:
            writer.writerow(
                (
                    transaction_id(entry_id),
                    created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    kind,
                    _text_cell(description),
                    amount,
                    format_money(amount, currency, symbol=False),
                    balance,
                    format_money(balance, currency, symbol=False),
                    currency,
                    receipt_id or "",
                )
            )
        yield buffer.getvalue().encode()
        after = rows[-1][0]
        if len(rows) < PAGE_ROWS:
            return
