"""The debit transaction of POST /v1/usage as one synchronous function.

It runs through `Database.write_sync`: on SQLite, on the writer thread in one go (or on the event
loop's thread when short), with plain SQL on the sqlite3 connection (credits_server.services.
usage_debit_sqlite); on PostgreSQL, inside an ordinary write transaction with the accounts
locked FOR UPDATE, and with two statements per account (credits_server.services.
usage_debit_postgres) instead of one per step; there, services.usage_debit_optimistic first tries
a group in one statement without the lock, and comes here when that does not apply. One
transaction may carry several requests
(usage_queue, group commit): each is answered, alerted and announced (its own balance.updated) as
if it had run alone, in order.

Every decision (which debits are posted, repeated or refused, the balances, the alerts, the event
numbers, whether an intent opens and its values) comes from credits_server.money_rules; this
module reads what they need and writes what they decided, under the accounts' locks.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, select
from sqlalchemy.engine import Connection

from credits_server import money_rules
from credits_server.ids import new_id
from credits_server.models import (
    Account,
    LedgerEntry,
    RechargeIntent,
    utcnow,
)
from credits_server.money_rules import Debit, DebitPlan, Posted
from credits_server.outbox import add_for_events_sync
from credits_server.services import usage_debit_postgres, usage_debit_sqlite


@dataclass(slots=True)  # not frozen: made per debit, and frozen fields are set one call each
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


@dataclass(frozen=True, slots=True)
class Written:
    """What the write of an account's plan reports: the new entries' ids (in the plan's order)
    and whether it opened a recharge intent."""

    ids: list[int]
    opened_intent: bool


# Built once: a statement object caches its compiled form, so each group only binds values.
_LOCK_ACCOUNTS = (
    select(Account.id, Account.balance, Account.currency)
    .where(Account.id.in_(bindparam("ids", expanding=True)))
    .order_by(Account.id)
    .with_for_update()
)


def uses_postgres_statements(connection: Connection) -> bool:
    """PostgreSQL gets its own two statements per account (usage_debit_postgres); SQLite plain
    SQL on its sqlite3 connection (usage_debit_sqlite), one per step (each a call, not a round
    trip)."""
    return connection.dialect.name == "postgresql"


def debit_accounts(
    connection: Connection,
    requests: list[dict[str, list[Debit]]],
    *,
    floor: int,
    low_balance_level: int,
) -> list[dict[str, AccountDebits]]:
    """The requests' debits in the order given, each request's answers by account.

    Every account of the transaction is locked up front in one order (two never deadlock)."""
    with usage_debit_sqlite.as_sqlalchemy_errors():
        return _debit_accounts(connection, requests, floor, low_balance_level)


def _debit_accounts(
    connection: Connection,
    requests: list[dict[str, list[Debit]]],
    floor: int,
    low_balance_level: int,
) -> list[dict[str, AccountDebits]]:
    accounts = sorted({account_id for wanted in requests for account_id in wanted})
    if uses_postgres_statements(connection):
        rows = connection.execute(_LOCK_ACCOUNTS, {"ids": accounts}).all()
        found = {row.id: (int(row.balance), str(row.currency)) for row in rows}
    else:
        found = usage_debit_sqlite.balances(
            usage_debit_sqlite.driver_connection(connection), accounts
        )
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
    references = sorted({debit.reference for debits in parts for debit in debits})
    if not uses_postgres_statements(connection):
        raw = usage_debit_sqlite.driver_connection(connection)
        posted = usage_debit_sqlite.read_posted(raw, account_id, references)
        plan = money_rules.plan_debits(balance, posted, parts, floor)
        written = _write_sqlite(connection, account_id, plan, currency, low_balance_level)
    else:
        state = usage_debit_postgres.read(connection, account_id, references)
        posted = state.posted
        plan = money_rules.plan_debits(balance, posted, parts, floor)
        written = _write_postgres(connection, account_id, plan, currency, state, low_balance_level)
    return answers(plan, posted, written, currency)


def answers(
    plan: DebitPlan, posted: dict[str, Posted], written: Written, currency: str
) -> list[AccountDebits]:
    """Each part's (request's) answers, once the plan is written."""
    return [_answer(decisions, plan, posted, written, currency) for decisions in plan.decisions]


def _stored_time(connection: Connection, now: datetime) -> Any:
    """`now` as the ledger's created_at column stores it on this connection's database."""
    dialect = connection.dialect
    convert = LedgerEntry.__table__.c.created_at.type.dialect_impl(dialect).bind_processor(dialect)
    return convert(now) if convert is not None else now


def entry_rows(account_id: str, plan: DebitPlan, now: Any) -> list[dict[str, Any]]:
    """The ledger rows of the plan's new debits, in order (`now`: their created_at)."""
    length = money_rules.DESCRIPTION_LENGTH
    return [
        {
            "account_id": account_id,
            "kind": "usage",
            "amount": debit.amount,
            "balance_after": after,
            "description": debit.description[:length],
            "reference": debit.reference,
            "created_at": now,
        }
        for debit, after in plan.made
    ]


def event_rows(events: list[tuple[str, dict[str, Any]]], last_seq: int) -> list[dict[str, Any]]:
    """The events with the account's next numbers, their data as stored (compact JSON)."""
    seqs = money_rules.seqs_after(last_seq, len(events))
    return [
        {"seq": seq, "type": type_, "data": json.dumps(data, separators=(",", ":"))}
        for seq, (type_, data) in zip(seqs, events, strict=True)
    ]


def _write_sqlite(
    connection: Connection,
    account_id: str,
    plan: DebitPlan,
    currency: str,
    low_balance_level: int,
) -> Written:
    if not plan.made:
        return Written([], False)
    raw = usage_debit_sqlite.driver_connection(connection)
    now = utcnow()
    stamp = _stored_time(connection, now)
    length = money_rules.DESCRIPTION_LENGTH
    made_ids = usage_debit_sqlite.insert_entries(
        raw,
        [
            (
                account_id,
                "usage",
                debit.amount,
                after,
                debit.description[:length],
                debit.reference,
                stamp,
            )
            for debit, after in plan.made
        ],
    )
    threshold, last_seq, intent_open = usage_debit_sqlite.set_balance(raw, account_id, plan.balance)
    events, crossed = money_rules.debit_events(plan, currency, threshold, low_balance_level)
    opened = money_rules.opens_intent(crossed, intent_open)
    if opened:  # rare: a Core statement, on the same connection and transaction
        values = money_rules.new_intent_values(new_id("ri"), account_id, now)
        connection.execute(insert(RechargeIntent).values(**values))
    written = event_rows(events, last_seq)
    usage_debit_sqlite.insert_events(raw, account_id, written, stamp)
    add_for_events_sync(connection, account_id, written, now)
    return Written([made_ids[debit.reference] for debit, _ in plan.made], opened)


def _write_postgres(
    connection: Connection,
    account_id: str,
    plan: DebitPlan,
    currency: str,
    state: usage_debit_postgres.State,
    low_balance_level: int,
) -> Written:
    if not plan.made:
        return Written([], False)
    now = utcnow()
    events, crossed = money_rules.debit_events(plan, currency, state.threshold, low_balance_level)
    intent = None
    if money_rules.opens_intent(crossed, state.intent_open):
        intent = money_rules.new_intent_values(new_id("ri"), account_id, now)
    written = event_rows(events, state.last_seq)
    made_ids = usage_debit_postgres.write(
        connection,
        account_id,
        state,
        currency,
        plan.balance,
        entry_rows(account_id, plan, now),
        written,
        intent,
        now,
    )
    add_for_events_sync(connection, account_id, written, now)
    return Written([made_ids[debit.reference] for debit, _ in plan.made], intent is not None)


def _answer(
    decisions: list[money_rules.Decision],
    plan: DebitPlan,
    posted: dict[str, Posted],
    written: Written,
    currency: str,
) -> AccountDebits:
    result = AccountDebits(currency, opened_intent=written.opened_intent)
    for how, debit, at in decisions:
        if how == "refused":
            result.outcomes.append(Outcome(None, False, debit.amount, at, balance=at))
        elif at >= 0:
            first, after = plan.made[at]  # a repeat within the transaction: the first's
            result.outcomes.append(Outcome(written.ids[at], how == "new", first.amount, after))
        else:
            entry_id, amount, after = posted[debit.reference]
            result.outcomes.append(Outcome(entry_id, False, amount, after))
    return result
