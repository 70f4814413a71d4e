"""The balance at the end of each of the last N days, rebuilt from the transactions we hold."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta

from credits_client.api.models import Transaction


def daily_balances(
    transactions: Sequence[Transaction], current_balance: int, today: date, days: int = 30
) -> list[int]:
    """Closing balance of each day, oldest first, ending with `today`.

    `transactions` are newest first (as the server lists them). A day with no transaction keeps
    the balance of the day before; days before the oldest known one start from that
    transaction's opening balance (its balance_after minus its amount).
    """
    ordered = sorted(transactions, key=lambda t: t.created_at)
    opening = ordered[0].balance_after - ordered[0].amount if ordered else current_balance
    balances: list[int] = []
    index = 0
    balance = opening
    first_day = today - timedelta(days=days - 1)
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        end_of_day = datetime.combine(day + timedelta(days=1), time.min, tzinfo=UTC)
        while index < len(ordered) and _aware(ordered[index].created_at) < end_of_day:
            balance = ordered[index].balance_after
            index += 1
        balances.append(balance)
    # Today ends at the balance the account shows now (it may be newer than this page).
    balances[-1] = current_balance
    return balances


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
