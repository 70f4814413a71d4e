"""Usage debits on PostgreSQL: one autocommit statement while nobody else has written the account
since this process's last commit of its debits, else the locking transaction.

Why: the locking transaction is five round trips (BEGIN, lock, read, write, COMMIT), each needing
PostgreSQL's backend and then the event loop scheduled again, on top of the WAL flush at the
commit; profiled at 8 clients, these waits, not the work, bound the rate (bench/FINDINGS.md
section 4). After a commit, this process knows what the account's next debits depend on (its
balance, currency, recharge threshold, last event number: `Known`) for as long as the account's
version has not moved. So a group of debits for one known account is decided in Python by
credits_server.money_rules as usual, and written by one statement
(usage_debit_postgres.WRITE_IF_UNCHANGED) that applies only while the version is still the known
one and none of its references is posted yet: one round trip, the commit included.

When it does not apply (another process or another writer of this one has written, a reference
is repeated), nothing was written and the group takes the locking path, which reads everything
afresh and answers exactly as before (a replayed reference gets its first entry). Groups that
alert (a low-balance crossing, with its notification messages) or open a recharge intent, or
debit several accounts at once, or write nothing, always take the locking path.
"""

from __future__ import annotations

import weakref
from typing import Any

from sqlalchemy.engine import Connection

from credits_core import notifications
from credits_server import money_rules
from credits_server.db import Database
from credits_server.models import utcnow
from credits_server.money_rules import Debit
from credits_server.services.usage_debit import (
    AccountDebits,
    Written,
    answers,
    debit_accounts,
    entry_rows,
    event_rows,
)
from credits_server.services.usage_debit_postgres import (
    KNOWN,
    WRITE_IF_UNCHANGED,
    WRITE_IF_UNCHANGED_ARGUMENTS,
    Known,
    row_arrays,
)

Wanted = dict[str, list[Debit]]
Answers = dict[str, AccountDebits]

UNIQUE_VIOLATION = "23505"  # PostgreSQL's SQLSTATE
MAX_KNOWN = 10_000
"""Accounts remembered per database; past this many the memory starts over (each account is then
known again after its next locking transaction)."""

_known: weakref.WeakKeyDictionary[Database, dict[str, Known]] = weakref.WeakKeyDictionary()


async def debit(
    db: Database, requests: list[Wanted], *, floor: int, low_balance_level: int
) -> list[Answers]:
    """The requests' debits in the order given, each request's answers by account, as
    usage_debit.debit_accounts gives them."""
    known = _known.setdefault(db, {})
    accounts = {account_id for wanted in requests for account_id in wanted}
    if len(accounts) == 1:
        (account_id,) = accounts
        state = known.pop(account_id, None)  # back only with a commit that says what it left
        if state is not None:
            quick = await _without_lock(db, account_id, state, requests, floor, low_balance_level)
            if quick is not None:
                return quick
    for account_id in accounts:
        known.pop(account_id, None)

    def work(connection: Connection) -> tuple[list[Answers], dict[str, Known]]:
        connection.info.pop(KNOWN, None)
        done = debit_accounts(
            connection, requests, floor=floor, low_balance_level=low_balance_level
        )
        return done, connection.info.pop(KNOWN, {})

    done, left = await db.write_sync(work)
    _remember(known, left)
    return done


async def _without_lock(
    db: Database,
    account_id: str,
    state: Known,
    requests: list[Wanted],
    floor: int,
    low_balance_level: int,
) -> list[Answers] | None:
    """The group in one statement, or None when that would not do (nothing was written)."""
    parts = [wanted[account_id] for wanted in requests]
    plan = money_rules.plan_debits(state.balance, {}, parts, floor)
    if not plan.made:
        return None
    events, crossed = money_rules.debit_events(
        plan, state.currency, state.threshold, low_balance_level
    )
    if crossed or any(type_ in notifications.CHOOSABLE for type_, _ in events):
        return None
    now = utcnow()
    entries = entry_rows(account_id, plan, now)
    written = event_rows(events, state.last_seq)
    parameters: dict[str, Any] = {
        "account_id": account_id,
        "version": state.version,
        "balance": plan.balance,
        "now": now,
        **row_arrays(entries, written),
    }
    arguments = [parameters[name] for name in WRITE_IF_UNCHANGED_ARGUMENTS]
    pooled = await db.engine.raw_connection()
    connection: Any = pooled.driver_connection  # asyncpg's
    try:  # outside a transaction: the statement commits on its own
        rows = await connection.fetch(WRITE_IF_UNCHANGED, *arguments)
    except Exception as error:
        if getattr(error, "sqlstate", None) == UNIQUE_VIOLATION:
            # A writer that did not move the version (none should) posted a reference or an
            # event number first: the unique constraints refused the statement whole.
            return None
        pooled.invalidate()  # the connection's state is unknown
        raise
    except BaseException:  # cancelled mid-statement: the same
        pooled.invalidate()
        raise
    finally:
        pooled.close()  # back to the pool
    if not rows:
        return None
    ids = {row["reference"]: int(row["id"]) for row in rows}
    last_seq = written[-1]["seq"] if written else state.last_seq
    after = Known(state.version + 1, plan.balance, state.currency, state.threshold, last_seq)
    _remember(_known.setdefault(db, {}), {account_id: after})
    made = Written([ids[debit.reference] for debit, _ in plan.made], False)
    return [{account_id: result} for result in answers(plan, {}, made, state.currency)]


def _remember(known: dict[str, Known], left: dict[str, Known]) -> None:
    if len(known) + len(left) > MAX_KNOWN:
        known.clear()
    known.update(left)
