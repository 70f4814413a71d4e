"""The ledger as a list: newest first, keyset pagination with an opaque cursor."""

from __future__ import annotations

from sqlalchemy import Select, select

from credits_server.context import Context
from credits_server.errors import FieldProblem, invalid
from credits_server.models import LedgerEntry, Receipt
from credits_server.money_rules import KINDS
from credits_server.services.cursors import decode_cursor, encode_cursor


def check_kind(kind: str | None) -> None:
    if kind is not None and kind not in KINDS:
        raise invalid(
            [FieldProblem("kind", "invalid_choice", f"kind is one of {', '.join(KINDS)}.")]
        )


def with_receipts() -> Select[LedgerEntry, str]:
    """Entries with their receipt's id (None for entries that are not payments)."""
    return select(LedgerEntry, Receipt.id).outerjoin(
        Receipt, Receipt.ledger_entry_id == LedgerEntry.id
    )


async def list_transactions(
    ctx: Context, account_id: str, *, limit: int, cursor: str | None, kind: str | None
) -> tuple[list[tuple[LedgerEntry, str | None]], str | None]:
    """A page of (entry, receipt id), newest first, and the cursor of the next page."""
    check_kind(kind)
    query = with_receipts().where(LedgerEntry.account_id == account_id)
    if kind is not None:
        query = query.where(LedgerEntry.kind == kind)
    if cursor:
        query = query.where(LedgerEntry.id < decode_cursor("le", cursor))
    query = query.order_by(LedgerEntry.id.desc()).limit(limit + 1)
    async with ctx.db.read() as session:
        rows: list[tuple[LedgerEntry, str | None]] = [
            (entry, receipt_id) for entry, receipt_id in await session.execute(query)
        ]
    page = rows[:limit]
    next_cursor = encode_cursor("le", page[-1][0].id) if len(rows) > limit and page else None
    return page, next_cursor
