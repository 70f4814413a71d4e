"""The usage debit's statements on SQLite, run on the sqlite3 connection itself.

They run inside the transaction `usage_debit.debit_accounts` is given (`Database.write_sync`
began it with BEGIN IMMEDIATE on this same connection, and commits it): SQLAlchemy's Core
statements cost ~125 us per debit around ~45 us of SQLite (bench/FINDINGS.md section 4), so the
hot ones are plain SQL here. Rare steps (opening a recharge intent, a low-balance alert's outbox
rows) stay Core statements in usage_debit, on the same connection and transaction. What is
written is decided by credits_server.money_rules; these only read and write.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from credits_server.money_rules import Posted

_REFERENCES_PER_READ = 500
# Statements whose `IN (?)` or row of values is repeated for each value or row (`_widened`).
_BALANCES = "SELECT id, balance, currency FROM accounts WHERE id IN (?)"
_POSTED = (
    "SELECT reference, id, amount, balance_after FROM ledger_entries"
    " WHERE account_id = ? AND reference IN (?)"
)
_ENTRY_VALUES = "(?,?,?,?,?,?,?)"
_INSERT_ENTRIES = (
    "INSERT INTO ledger_entries"
    " (account_id, kind, amount, balance_after, description, reference, created_at)"
    " VALUES (?,?,?,?,?,?,?) RETURNING reference, id"
)
_SET_BALANCE = """
UPDATE accounts SET balance = ?1, version = version + 1 WHERE id = ?2
RETURNING
  (SELECT enabled FROM auto_recharge_settings WHERE account_id = ?2),
  (SELECT threshold FROM auto_recharge_settings WHERE account_id = ?2),
  (SELECT coalesce(max(seq), 0) FROM events WHERE account_id = ?2),
  (SELECT id FROM recharge_intents WHERE open_account_id = ?2)
"""
_INSERT_EVENT = "INSERT INTO events (account_id, seq, type, data, created_at) VALUES (?,?,?,?,?)"


@contextmanager
def as_sqlalchemy_errors() -> Iterator[None]:
    """sqlite3's errors raised as SQLAlchemy raises them (OperationalError for a busy or full
    database...), which the group commit and the API's problem answers know."""
    try:
        yield
    except sqlite3.Error as error:
        raise DBAPIError.instance(None, None, error, sqlite3.Error) from error


def driver_connection(connection: Connection) -> sqlite3.Connection:
    """The sqlite3 connection under `connection`, in its transaction."""
    raw = connection.connection.driver_connection
    assert isinstance(raw, sqlite3.Connection)
    return raw


def _widened(statement: str, part: str, count: int) -> str:
    """`statement` with `part` (its `(?)`, or its row of values) made `count` marks or rows."""
    if part == "(?)":
        return statement.replace(part, "(" + ",".join("?" * count) + ")")
    return statement.replace(part, ",".join([part] * count))


def balances(raw: sqlite3.Connection, account_ids: list[str]) -> dict[str, tuple[int, str]]:
    """The accounts' balance and currency (SQLite's write lock is already held: no FOR UPDATE)."""
    rows = raw.execute(_widened(_BALANCES, "(?)", len(account_ids)), account_ids)
    return {account_id: (int(balance), str(currency)) for account_id, balance, currency in rows}


def read_posted(
    raw: sqlite3.Connection, account_id: str, references: list[str]
) -> dict[str, Posted]:
    """The entries already posted under these references: (id, amount, balance_after)."""
    posted: dict[str, Posted] = {}
    for start in range(0, len(references), _REFERENCES_PER_READ):
        chunk = references[start : start + _REFERENCES_PER_READ]
        rows = raw.execute(_widened(_POSTED, "(?)", len(chunk)), [account_id, *chunk])
        for reference, entry_id, amount, after in rows:
            posted[reference] = (int(entry_id), int(amount), int(after))
    return posted


def insert_entries(raw: sqlite3.Connection, rows: Sequence[tuple[Any, ...]]) -> dict[str, int]:
    """Append the ledger rows (the columns of _INSERT_ENTRIES); their ids by reference."""
    per_statement = max(1, raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) // 7)
    ids: dict[str, int] = {}
    for start in range(0, len(rows), per_statement):
        chunk = rows[start : start + per_statement]
        statement = _widened(_INSERT_ENTRIES, _ENTRY_VALUES, len(chunk))
        parameters = [value for row in chunk for value in row]
        for reference, entry_id in raw.execute(statement, parameters):
            ids[reference] = int(entry_id)
    return ids


def set_balance(
    raw: sqlite3.Connection, account_id: str, balance: int
) -> tuple[int | None, int, bool]:
    """Write the new balance; read, under the same lock, what the events and the intent depend
    on: the recharge threshold (None: auto-recharge off), the last event number, whether an
    intent is open."""
    enabled, threshold, last_seq, open_intent = raw.execute(
        _SET_BALANCE, (balance, account_id)
    ).fetchone()
    return (int(threshold) if enabled else None), int(last_seq), open_intent is not None


def insert_events(
    raw: sqlite3.Connection, account_id: str, events: list[dict[str, Any]], created_at: Any
) -> None:
    """The rows of usage_debit.event_rows ({seq, type, data})."""
    raw.executemany(
        _INSERT_EVENT,
        [(account_id, e["seq"], e["type"], e["data"], created_at) for e in events],
    )
