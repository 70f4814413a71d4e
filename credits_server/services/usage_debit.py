"""The debit transaction of POST /v1/usage as one synchronous function of Core statements.

It runs through `Database.write_sync`: on SQLite, on the writer thread in one go (the async ORM path
took ~35 thread hops per debit, each waiting for the event loop while holding the write lock); on
PostgreSQL, inside an ordinary write transaction with the accounts locked FOR UPDATE, and with
two statements per account (credits_server.services.usage_debit_postgres) instead of one per step.
One transaction may carry several requests (usage_queue, group commit): each is
answered, alerted and announced (its own balance.updated) as if it had run alone, in order.
It does what `ledger.post_many`, `recharge.after_debits` and `events.emit` do for usage, with the
same rules: a reference is posted once per account, the balance moves with its entry, a debit past
the floor is refused alone, a downward threshold crossing alerts and opens at most one intent, and
the account's events take the next `seq` under its lock.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import String, Text, bindparam, func, insert, select, update
from sqlalchemy.engine import Connection

from credits_server.models import (
    Account,
    AutoRechargeSettings,
    Event,
    LedgerEntry,
    RechargeIntent,
    UtcDateTime,
    utcnow,
)
from credits_server.services import usage_debit_postgres
from credits_server.services.recharge import new_intent_values


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
# Ids matched back by reference (unique per account, and each is inserted once here): asking
# for them in parameter order makes SQLAlchemy insert row by row on SQLite ("ordered; batch not
# supported"), one statement per debit instead of one per group.
_INSERT_ENTRIES = insert(LedgerEntry).returning(LedgerEntry.reference, LedgerEntry.id)


def _setting(column: Any) -> Any:
    return (
        select(column)
        .where(AutoRechargeSettings.account_id == bindparam("account_id"))
        .scalar_subquery()
    )


# The new balance, and in the same statement the auto-recharge settings it is checked against:
# read under the account's lock, so a save of the settings (which takes that lock too) is either
# seen whole or comes after (one round trip fewer on PostgreSQL).
_SET_BALANCE = (
    update(Account)
    .where(Account.id == bindparam("account_id"))
    .values(balance=bindparam("balance"))
    .returning(
        _setting(AutoRechargeSettings.enabled).label("enabled"),
        _setting(AutoRechargeSettings.threshold).label("threshold"),
    )
)
_OPEN_INTENT = select(RechargeIntent.id).where(
    RechargeIntent.open_account_id == bindparam("account_id")
)
# The next seq taken in the insert itself (each row of an executemany sees the ones before).
_INSERT_EVENT = insert(Event).from_select(
    ["account_id", "seq", "type", "data", "created_at"],
    select(
        bindparam("account_id", type_=String()),
        func.coalesce(func.max(Event.seq), 0) + 1,
        bindparam("type", type_=String()),
        bindparam("data", type_=Text()),
        bindparam("created_at", type_=UtcDateTime()),
    ).where(Event.account_id == bindparam("account_id", type_=String())),
)


def debit_accounts(
    connection: Connection,
    requests: list[dict[str, list[Debit]]],
    *,
    floor: int,
    low_balance_level: int,
) -> list[dict[str, AccountDebits]]:
    """The requests' debits in the order given, each request's answers by account.

    Every account of the transaction is locked up front in one order (two never deadlock)."""
    accounts = sorted({account_id for wanted in requests for account_id in wanted})
    rows = connection.execute(_LOCK_ACCOUNTS, {"ids": accounts}).all()
    found = {row.id: (int(row.balance), str(row.currency)) for row in rows}
    answers: list[dict[str, AccountDebits]] = [{} for _ in requests]
    for account_id in accounts:
        asking = [n for n, wanted in enumerate(requests) if account_id in wanted]
        if account_id not in found:
            for n in asking:
                answers[n][account_id] = AccountDebits()
            continue
        balance, currency = found[account_id]
        parts = [requests[n][account_id] for n in asking]
        results = _debit_account(
            connection, account_id, currency, balance, parts, floor, low_balance_level
        )
        for n, result in zip(asking, results, strict=True):
            answers[n][account_id] = result
    return answers


def _debit_account(
    connection: Connection,
    account_id: str,
    currency: str,
    balance: int,
    parts: list[list[Debit]],
    floor: int,
    low_balance_level: int,
) -> list[AccountDebits]:
    """One account's debits, `parts` being the requests' shares in order."""
    # PostgreSQL: two statements per account (usage_debit_postgres), read with settings here.
    postgres = connection.dialect.name == "postgresql"
    references = sorted({debit.reference for debits in parts for debit in debits})
    seen: dict[str, tuple[int, int, int]] = {}  # reference -> (entry id, amount, balance_after)
    threshold: int | None = None  # the recharge threshold; None: auto-recharge off
    if postgres:
        seen, threshold = usage_debit_postgres.read(connection, account_id, references)
    else:
        for start in range(0, len(references), 500):
            chunk = references[start : start + 500]
            rows = connection.execute(_POSTED, {"account_id": account_id, "references": chunk})
            for row in rows:
                seen[row.reference] = (int(row.id), int(row.amount), int(row.balance_after))
    now = utcnow()
    new_rows: list[dict[str, Any]] = []
    made: list[tuple[int, int]] = []  # (amount, balance_after) of each new row
    ends: list[int] = []  # len(made) after each part: made[ends[k-1]:ends[k]] are part k's
    pending: dict[str, int] = {}  # reference -> index in new_rows (a repeat within the batch)
    plans: list[list[tuple[str, Debit, int]]] = []  # ("old" | "new" | "refused", debit, index)
    for debits in parts:
        plan: list[tuple[str, Debit, int]] = []
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
        plans.append(plan)
        ends.append(len(made))
    ids: list[int] = []
    opened = False
    if new_rows and postgres:
        events, crossed = _plan_events(currency, made, ends, threshold, low_balance_level)
        made_ids, opened = usage_debit_postgres.write(
            connection, account_id, new_rows, balance, events, crossed, now
        )
        ids = [made_ids[row["reference"]] for row in new_rows]
    elif new_rows:
        made_ids = {
            row.reference: int(row.id) for row in connection.execute(_INSERT_ENTRIES, new_rows)
        }
        ids = [made_ids[row["reference"]] for row in new_rows]
        settings = connection.execute(
            _SET_BALANCE, {"account_id": account_id, "balance": balance}
        ).one()
        threshold = int(settings.threshold) if settings.enabled else None
        events, crossed = _plan_events(currency, made, ends, threshold, low_balance_level)
        opened = crossed and _open_intent(connection, account_id, now)
        _emit(connection, account_id, events, now)
    results = []
    for plan in plans:
        result = AccountDebits(currency, opened_intent=opened)
        for how, debit, index in plan:
            if how == "refused":
                result.outcomes.append(Outcome(None, False, debit.amount, index, balance=index))
            elif how == "new" or index >= 0:
                amount, after = made[index]
                result.outcomes.append(Outcome(ids[index], how == "new", amount, after))
            else:
                entry_id, amount, after = seen[debit.reference]
                result.outcomes.append(Outcome(entry_id, False, amount, after))
        results.append(result)
    return results


def _plan_events(
    currency: str,
    made: list[tuple[int, int]],
    ends: list[int],
    threshold: int | None,
    low_balance_level: int,
) -> tuple[list[tuple[str, str]], bool]:
    """recharge.after_debits and events.emit, per part: an alert on each downward crossing, then
    the balance that part left (events as type and JSON data, in order); and whether any debit
    crossed the recharge threshold, which opens one intent (None: auto-recharge off; then the
    alerts use the low-balance level)."""
    level = threshold if threshold is not None else low_balance_level
    events: list[tuple[str, dict[str, Any]]] = []
    crossed = False
    start = 0
    for end in ends:
        for amount, after in made[start:end]:
            before = after - amount
            if before >= level > after:
                events.append(("low_balance", {"balance": after, "level": level}))
            if threshold is not None and before >= threshold > after:
                crossed = True
        if end > start:
            events.append(("balance.updated", {"balance": made[end - 1][1], "currency": currency}))
        start = end
    return [(type_, json.dumps(data, separators=(",", ":"))) for type_, data in events], crossed


def _open_intent(connection: Connection, account_id: str, now: Any) -> bool:
    existing = connection.execute(_OPEN_INTENT, {"account_id": account_id}).first()
    if existing is not None:
        return False
    connection.execute(insert(RechargeIntent).values(**new_intent_values(account_id, now)))
    return True


def _emit(connection: Connection, account_id: str, events: list[tuple[str, str]], now: Any) -> None:
    """events.emit: the next seqs of the account (its row is locked by this transaction)."""
    connection.execute(
        _INSERT_EVENT,
        [
            {
                "account_id": account_id,
                "type": type_,
                "data": data,
                "created_at": now,
            }
            for type_, data in events
        ],
    )
