"""PostgreSQL's statements for a debit: the locking path's two per account, and the one statement
of the path that takes no lock.

On PostgreSQL every statement is a round trip through the event loop while the account's row is
locked, and with many clients the waits between them, not the work, bound the rate. So, after
the accounts' lock (a statement of its own: a statement's snapshot is taken when it starts,
before it waits for a lock, and would miss what the previous holder committed), one statement
reads what the decisions depend on (the references already posted, the auto-recharge settings,
the last event number, whether an intent is open, the account's version) and one writes what
credits_server.money_rules decided from them (ledger rows, balance, events with their numbers,
the recharge intent) as a writable CTE: BEGIN, lock, read, write, COMMIT. Each such write
records in the connection's `info` what it left (`Known`).

`WRITE_IF_UNCHANGED` is the whole of a debit in one autocommit statement, for an account whose
state this process knows from its own last commit (services/usage_debit_optimistic.py): the
balance UPDATE applies only while the account's version is still the one that commit left and
none of the references is posted, and every insert reads the UPDATE's RETURNING, so nothing is
written when it does not apply. A writer that commits meanwhile moves the version (ledger.
lock_account, the locking path's write); one in flight holds the row, and the UPDATE, waiting for
it, re-checks the version on the row it committed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.engine import Connection

from credits_server.models import UtcDateTime
from credits_server.money_rules import Posted

# Posted references (reference not NULL), then one row of the account's state.
_READ = text(
    """
    SELECT e.reference, e.id, e.amount, e.balance_after,
           CAST(NULL AS boolean) AS enabled, CAST(NULL AS bigint) AS threshold,
           CAST(NULL AS bigint) AS last_seq, CAST(NULL AS boolean) AS intent_open,
           CAST(NULL AS bigint) AS version
    FROM unnest(CAST(:references AS varchar[])) AS r(reference)
    JOIN ledger_entries AS e
      ON e.account_id = CAST(:account_id AS varchar) AND e.reference = r.reference
    UNION ALL
    SELECT NULL, NULL, NULL, NULL,
           (SELECT s.enabled FROM auto_recharge_settings AS s
            WHERE s.account_id = CAST(:account_id AS varchar)),
           (SELECT s.threshold FROM auto_recharge_settings AS s
            WHERE s.account_id = CAST(:account_id AS varchar)),
           (SELECT coalesce(max(v.seq), 0) FROM events AS v
            WHERE v.account_id = CAST(:account_id AS varchar)),
           EXISTS (SELECT 1 FROM recharge_intents AS i
                   WHERE i.open_account_id = CAST(:account_id AS varchar)),
           (SELECT a.version FROM accounts AS a WHERE a.id = CAST(:account_id AS varchar))
    """
)

# Data-modifying CTEs run once each whether or not the final SELECT reads them. Rows are inserted
# in the arrays' order (ORDER BY the ordinality), so ids increase as the debits were applied, as
# the ledger's balance_after chain expects.
_WRITE = text(
    """
    WITH entries AS (
        INSERT INTO ledger_entries
            (account_id, kind, amount, balance_after, description, reference, created_at)
        SELECT CAST(:account_id AS varchar), r.kind, r.amount, r.balance_after, r.description,
               r.reference, CAST(:now AS timestamptz)
        FROM unnest(CAST(:kinds AS varchar[]), CAST(:amounts AS bigint[]),
                    CAST(:afters AS bigint[]), CAST(:descriptions AS varchar[]),
                    CAST(:references AS varchar[]))
             WITH ORDINALITY AS r(kind, amount, balance_after, description, reference, n)
        ORDER BY r.n
        RETURNING reference, id
    ), balance AS (
        UPDATE accounts SET balance = CAST(:balance AS bigint), version = version + 1
        WHERE id = CAST(:account_id AS varchar)
    ), emitted AS (
        INSERT INTO events (account_id, seq, type, data, created_at)
        SELECT CAST(:account_id AS varchar), e.seq, e.type, e.data, CAST(:now AS timestamptz)
        FROM unnest(CAST(:seqs AS bigint[]), CAST(:types AS varchar[]), CAST(:datas AS text[]))
             AS e(seq, type, data)
    ), intent AS (
        INSERT INTO recharge_intents (id, account_id, open_account_id, status, attempt,
                                      card_index, next_attempt_at, created_at, updated_at)
        SELECT CAST(:intent_id AS varchar), CAST(:intent_account_id AS varchar),
               CAST(:intent_open_account_id AS varchar), CAST(:intent_status AS varchar),
               CAST(:intent_attempt AS integer), CAST(:intent_card_index AS integer),
               :intent_next_attempt_at, :intent_created_at, :intent_updated_at
        WHERE CAST(:open_intent AS boolean)
    )
    SELECT reference, id FROM entries
    """
).bindparams(
    bindparam("now", type_=UtcDateTime()),
    bindparam("intent_next_attempt_at", type_=UtcDateTime()),
    bindparam("intent_created_at", type_=UtcDateTime()),
    bindparam("intent_updated_at", type_=UtcDateTime()),
)

# The events are the plan's balance.updated ones only (no alert, no intent: those take the
# locking path, which reads the notification targets and the open intent under the lock). Sent
# by asyncpg itself, not SQLAlchemy (about 60 us of CPU a group instead of 400), with its
# arguments in `WRITE_IF_UNCHANGED_ARGUMENTS`' order.
WRITE_IF_UNCHANGED = """
    WITH account AS (
        UPDATE accounts SET balance = $3, version = version + 1
        WHERE id = $1 AND version = $2
          AND NOT EXISTS (SELECT 1 FROM ledger_entries AS p
                          WHERE p.account_id = $1 AND p.reference = ANY($9::varchar[]))
        RETURNING id
    ), entries AS (
        INSERT INTO ledger_entries
            (account_id, kind, amount, balance_after, description, reference, created_at)
        SELECT account.id, r.kind, r.amount, r.balance_after, r.description, r.reference, $4
        FROM account,
             unnest($5::varchar[], $6::bigint[], $7::bigint[], $8::varchar[], $9::varchar[])
             WITH ORDINALITY AS r(kind, amount, balance_after, description, reference, n)
        ORDER BY r.n
        RETURNING reference, id
    ), emitted AS (
        INSERT INTO events (account_id, seq, type, data, created_at)
        SELECT account.id, e.seq, e.type, e.data, $4
        FROM account, unnest($10::bigint[], $11::varchar[], $12::text[]) AS e(seq, type, data)
    )
    SELECT reference, id FROM entries
"""
WRITE_IF_UNCHANGED_ARGUMENTS = (
    "account_id",
    "version",
    "balance",
    "now",
    "kinds",
    "amounts",
    "afters",
    "descriptions",
    "references",
    "seqs",
    "types",
    "datas",
)

KNOWN = "credits.usage_debit_known"
"""The key of `connection.info` under which the locking path's writes leave `Known`s by account."""


@dataclass(frozen=True, slots=True)
class Known:
    """An account as one of this process's debit transactions left it at its commit."""

    version: int
    balance: int
    currency: str
    threshold: int | None
    last_seq: int


@dataclass(frozen=True, slots=True)
class State:
    """What an account's debits depend on, read under its lock."""

    posted: dict[str, Posted]
    threshold: int | None
    """The recharge threshold; None: auto-recharge off or never set."""
    last_seq: int
    intent_open: bool
    version: int


def read(connection: Connection, account_id: str, references: list[str]) -> State:
    posted: dict[str, Posted] = {}
    threshold: int | None = None
    last_seq, intent_open, version = 0, False, 0
    rows = connection.execute(_READ, {"account_id": account_id, "references": references})
    for row in rows:
        if row.reference is not None:
            posted[row.reference] = (int(row.id), int(row.amount), int(row.balance_after))
            continue
        threshold = int(row.threshold) if row.enabled else None
        last_seq, intent_open = int(row.last_seq), bool(row.intent_open)
        version = int(row.version)
    return State(posted, threshold, last_seq, intent_open, version)


def row_arrays(entries: list[dict[str, Any]], events: list[dict[str, Any]]) -> dict[str, list[Any]]:
    """The new ledger and event rows as one array per column: the statements' `unnest` inputs."""
    return {
        "kinds": [row["kind"] for row in entries],
        "amounts": [row["amount"] for row in entries],
        "afters": [row["balance_after"] for row in entries],
        "descriptions": [row["description"] for row in entries],
        "references": [row["reference"] for row in entries],
        "seqs": [row["seq"] for row in events],
        "types": [row["type"] for row in events],
        "datas": [row["data"] for row in events],
    }


def write(
    connection: Connection,
    account_id: str,
    state: State,
    currency: str,
    balance: int,
    entries: list[dict[str, Any]],
    events: list[dict[str, Any]],
    intent: dict[str, Any] | None,
    now: datetime,
) -> dict[str, int]:
    """The entries, the balance, the events and the intent (None: none to open), as decided:
    the new entries' ids by reference. What it leaves is noted under `KNOWN` in the connection's
    info, for after the commit."""
    parameters: dict[str, Any] = {
        "account_id": account_id,
        "now": now,
        "balance": balance,
        **row_arrays(entries, events),
        "open_intent": intent is not None,
    }
    for column in _INTENT_COLUMNS:
        parameters[f"intent_{column}"] = None if intent is None else intent[column]
    ids = {row.reference: int(row.id) for row in connection.execute(_WRITE, parameters)}
    last_seq = events[-1]["seq"] if events else state.last_seq
    known = Known(state.version + 1, balance, currency, state.threshold, last_seq)
    connection.info.setdefault(KNOWN, {})[account_id] = known
    return ids


_INTENT_COLUMNS = (
    "id",
    "account_id",
    "open_account_id",
    "status",
    "attempt",
    "card_index",
    "next_attempt_at",
    "created_at",
    "updated_at",
)
