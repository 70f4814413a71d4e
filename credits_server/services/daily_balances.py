"""The balance at the close of each day of a period, read from the ledger.

A day closes at the `balance_after` of its last entry (by time, then id); a day without entries
closes where the day before did. Each day is one seek on the (account_id, created_at, id) index,
all of them in one statement, so the cost depends on the number of days, not of entries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, select

from credits_server.context import Context
from credits_server.errors import FieldProblem, invalid
from credits_server.models import LedgerEntry
from credits_server.services.accounts import get_account

# A year and a day: enough for any yearly chart, and a bound on the statement's size.
MAX_DAYS = 366


@dataclass(frozen=True, slots=True)
class DailyBalances:
    currency: str
    days: list[tuple[date, int]]


async def daily_balances(ctx: Context, account_id: str, start: date, end: date) -> DailyBalances:
    """Closing balance of each day from `start` to `end` (inclusive, UTC days). Days before the
    first entry close at the balance that entry started from."""
    count = (end - start).days + 1
    # The last day must have an end: the calendar's last day has no next one to end at.
    if count < 1 or count > MAX_DAYS or end == date.max:
        raise invalid(
            [FieldProblem("end", "invalid_range", f"end is from start to {MAX_DAYS} days after.")]
        )
    account = (await get_account(ctx, account_id)).account
    days = [start + timedelta(days=offset) for offset in range(count)]
    async with ctx.db.read() as session:
        opening, *closed = (await session.execute(closing_balances(account_id, days))).one()
    before = account.balance if opening is None else opening
    balances = [before if value is None else value for value in closed]
    return DailyBalances(account.currency, list(zip(days, balances, strict=True)))


def closing_balances(account_id: str, days: list[date]) -> Select[Any]:
    """One row: the balance the account's first entry started from (None without entries), then
    the `balance_after` of the last entry before the end of each of `days` (None: none yet)."""
    mine = LedgerEntry.account_id == account_id
    first = select(LedgerEntry.balance_after - LedgerEntry.amount).where(mine)
    first = first.order_by(LedgerEntry.created_at, LedgerEntry.id).limit(1)
    closings = [
        select(LedgerEntry.balance_after)
        .where(mine, LedgerEntry.created_at < _end_of(day))
        .order_by(LedgerEntry.created_at.desc(), LedgerEntry.id.desc())
        .limit(1)
        .scalar_subquery()
        .label(f"d{index}")
        for index, day in enumerate(days)
    ]
    return select(first.scalar_subquery().label("opening"), *closings)


def _end_of(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=UTC)
