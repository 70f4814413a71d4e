"""The balance at the close of each of the last N days, as the server reports them."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from credits_client.api.models import DailyBalances

TREND_DAYS = 30


def trend_period(today: date, days: int = TREND_DAYS) -> tuple[date, date]:
    """The first and last day of the `days` days ending with `today`."""
    return today - timedelta(days=days - 1), today


def daily_balances(
    closing: DailyBalances | None, current_balance: int, today: date, days: int = TREND_DAYS
) -> list[int]:
    """Closing balance of each of the `days` days ending with `today`, oldest first.

    `closing` is the server's answer for that period; a day it does not cover keeps the balance
    of the day before (the current balance when none is known yet). Today ends at the balance the
    account shows now: it moves with every live event, the server's answer does not.
    """
    by_day = {entry.date: entry.balance for entry in closing.data} if closing else {}
    start, _ = trend_period(today, days)
    earliest = min(by_day.items())[1] if by_day else current_balance
    balances: list[int] = []
    for offset in range(days):
        balance = by_day.get(start + timedelta(days=offset))
        balances.append(balance if balance is not None else (balances or [earliest])[-1])
    balances[-1] = current_balance
    return balances
