"""The debit transaction of POST /v1/usage as one synchronous function of Core statements.

It runs through `Database.write_sync`: on SQLite, on the writer thread in one go (the async ORM path
took ~35 thread hops per debit, each waiting for the event loop while holding the write lock); on
PostgreSQL, inside an ordinary write transaction with the accounts locked FOR UPDATE.
It does what `ledger.post_many`, `recharge.after_debits` and `events.emit` do for usage, with the
same rules: a reference is posted once per account, the balance moves with its entry, a debit past
the floor is refused alone, a downward threshold crossing alerts and opens at most one intent, and
the account's events take the next `seq` under its lock.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.engine import Connection

from server.ids import new_id
from server.models import Account, AutoRechargeSettings, Event, LedgerEntry, RechargeIntent, utcnow


@dataclass(frozen=True, slots=True)
class Debit:
    reference: str  # the ledger's reference: "usage:<record reference>"
    amount: int  # negative
    description: str


@dataclass(frozen=True, slots=True)
class Outcome:
    """One debit's answer: `entry_id` None when refused (then `balance` is the balance it saw)."""

    entry_id: int | None
    created: bool
    amount: int
    balance_after: int
    balance: int = 0


@dataclass
class AccountDebits:
    currency: str | None = None  # None: no such account
    outcomes: list[Outcome] = field(default_factory=list)
    opened_intent: bool = False


# Built once: a statement object caches its compiled form, so each debit only binds values.
_LOCK_ACCOUNTS = (
    select(Account.id, Account.balance, Account.currency)
    .where(Account.id.in_(bindparam("ids", expanding=True)))
    .order_by(Account.id)
    .with_for_update()
)
_POSTED = select(
    LedgerEntry.reference, LedgerEntry.id, LedgerEntry.amount, LedgerEntry.balance_after
).where(
    LedgerEntry.account_id == bindparam("account_id"),
    LedgerEntry.reference.in_(bindparam("references", expanding=True)),
)
_INSERT_ENTRIES = insert(LedgerEntry).returning(LedgerEntry.id, sort_by_parameter_order=True)
_SET_BALANCE = (
    update(Account)
    .where(Account.id == bindparam("account_id"))
    .values(balance=bindparam("balance"))
)
_SETTINGS = select(AutoRechargeSettings.enabled, AutoRechargeSettings.threshold).where(
    AutoRechargeSettings.account_id == bindparam("account_id")
)
_OPEN_INTENT = select(RechargeIntent.id).where(
    RechargeIntent.open_account_id == bindparam("account_id")
)
_LAST_SEQ = select(func.coalesce(func.max(Event.seq), 0)).where(
    Event.account_id == bindparam("account_id")
)
_INSERT_EVENT = insert(Event)


def debit_accounts(
    connection: Connection,
    wanted: dict[str, list[Debit]],
    *,
    floor: int,
    low_balance_level: int,
) -> dict[str, AccountDebits]:
    """Every account of the batch locked up front in one order (two batches never deadlock)."""
    rows = connection.execute(_LOCK_ACCOUNTS, {"ids": sorted(wanted)}).all()
    found = {row.id: (int(row.balance), str(row.currency)) for row in rows}
    answers: dict[str, AccountDebits] = {}
    for account_id in sorted(wanted):
        if account_id not in found:
            answers[account_id] = AccountDebits()
            continue
        balance, currency = found[account_id]
        answers[account_id] = _debit_one(
            connection, account_id, currency, balance, wanted[account_id], floor, low_balance_level
        )
    return answers


def _debit_one(
    connection: Connection,
    account_id: str,
    currency: str,
    balance: int,
    debits: list[Debit],
    floor: int,
    low_balance_level: int,
) -> AccountDebits:
    seen: dict[str, tuple[int, int, int]] = {}  # reference -> (entry id, amount, balance_after)
    references = sorted({debit.reference for debit in debits})
    for start in range(0, len(references), 500):
        chunk = references[start : start + 500]
        for row in connection.execute(_POSTED, {"account_id": account_id, "references": chunk}):
            seen[row.reference] = (int(row.id), int(row.amount), int(row.balance_after))
    now = utcnow()
    result = AccountDebits(currency)
    new_rows: list[dict[str, Any]] = []
    made: list[tuple[int, int]] = []  # (amount, balance_after) of each new row
    pending: dict[str, int] = {}  # reference -> index in new_rows (a repeat within the batch)
    plan: list[tuple[str, Debit, int]] = []  # ("old" | "new" | "refused", debit, index/balance)
    for debit in debits:
        if debit.reference in seen or debit.reference in pending:
            plan.append(("old", debit, pending.get(debit.reference, -1)))
            continue
        new_balance = balance + debit.amount
        if new_balance < floor:
            plan.append(("refused", debit, balance))
            continue
        pending[debit.reference] = len(new_rows)
        made.append((debit.amount, new_balance))
        new_rows.append(
            {
                "account_id": account_id,
                "kind": "usage",
                "amount": debit.amount,
                "balance_after": new_balance,
                "description": debit.description[:300],
                "reference": debit.reference,
                "created_at": now,
            }
        )
        plan.append(("new", debit, len(new_rows) - 1))
        balance = new_balance
    ids: list[int] = []
    if new_rows:
        ids = list(connection.execute(_INSERT_ENTRIES, new_rows).scalars())
        connection.execute(_SET_BALANCE, {"account_id": account_id, "balance": balance})
    for how, debit, index in plan:
        if how == "refused":
            result.outcomes.append(Outcome(None, False, debit.amount, index, balance=index))
        elif how == "new" or index >= 0:
            amount, after = made[index]
            result.outcomes.append(Outcome(ids[index], how == "new", amount, after))
        else:
            entry_id, amount, after = seen[debit.reference]
            result.outcomes.append(Outcome(entry_id, False, amount, after))
    if new_rows:
        moves = [(after - amount, after) for amount, after in made]
        result.opened_intent = _after_debits(connection, account_id, moves, low_balance_level, now)
        shown = {"balance": balance, "currency": currency}
        _emit(connection, account_id, "balance.updated", shown, now)
    return result


def _after_debits(
    connection: Connection,
    account_id: str,
    moves: list[tuple[int, int]],
    low_balance_level: int,
    now: Any,
) -> bool:
    """recharge.after_debits: alert on each downward crossing; open an intent on one."""
    row = connection.execute(_SETTINGS, {"account_id": account_id}).first()
    enabled = row is not None and bool(row.enabled)
    level = int(row.threshold) if row is not None and enabled else low_balance_level
    opened = False
    for before, after in moves:
        if before >= level > after:
            _emit(connection, account_id, "low_balance", {"balance": after, "level": level}, now)
        if row is not None and enabled and before >= int(row.threshold) > after:
            opened |= _open_intent(connection, account_id, now)
    return opened


def _open_intent(connection: Connection, account_id: str, now: Any) -> bool:
    existing = connection.execute(_OPEN_INTENT, {"account_id": account_id}).first()
    if existing is not None:
        return False
    connection.execute(
        insert(RechargeIntent).values(
            id=new_id("ri"),
            account_id=account_id,
            open_account_id=account_id,
            status="open",
            attempt=1,
            card_index=0,
            next_attempt_at=now,
            created_at=now,
            updated_at=now,
        )
    )
    return True


def _emit(
    connection: Connection, account_id: str, type_: str, data: dict[str, Any], now: Any
) -> None:
    """events.emit: the next seq of the account (its row is locked by this transaction)."""
    last = connection.execute(_LAST_SEQ, {"account_id": account_id}).scalar_one()
    connection.execute(
        _INSERT_EVENT,
        {
            "account_id": account_id,
            "seq": int(last) + 1,
            "type": type_,
            "data": json.dumps(data, separators=(",", ":")),
            "created_at": now,
        },
    )
