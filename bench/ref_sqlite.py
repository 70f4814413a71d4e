"""The storage limit: raw SQLite transactions that debit a balance and append a ledger row.

Same shape as the server's ledger table (unique (account, reference), index (account, id)),
WAL, and the `synchronous` setting asked for; one connection, BEGIN IMMEDIATE ... COMMIT.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

SCHEMA = """
CREATE TABLE accounts (id TEXT PRIMARY KEY, balance INTEGER NOT NULL);
CREATE TABLE ledger_entries (
    id INTEGER PRIMARY KEY, account_id TEXT NOT NULL REFERENCES accounts (id),
    kind TEXT NOT NULL, amount INTEGER NOT NULL, balance_after INTEGER NOT NULL,
    description TEXT NOT NULL, reference TEXT, created_at TEXT NOT NULL,
    UNIQUE (account_id, reference)
);
CREATE INDEX ix_ledger_account_id ON ledger_entries (account_id, id);
"""


def debits_per_second(directory: Path, synchronous: str, seconds: float) -> float:
    path = directory / f"raw-{synchronous.lower()}.db"
    path.unlink(missing_ok=True)
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute(f"PRAGMA synchronous={synchronous}")
        connection.execute("PRAGMA foreign_keys=ON")
        connection.executescript(SCHEMA)
        connection.execute("INSERT INTO accounts VALUES ('acct', 1000000000)")
        count = 0
        started = time.perf_counter()
        deadline = started + seconds
        while time.perf_counter() < deadline:
            connection.execute("BEGIN IMMEDIATE")
            (balance,) = connection.execute(
                "SELECT balance FROM accounts WHERE id = 'acct'"
            ).fetchone()
            balance -= 1
            connection.execute("UPDATE accounts SET balance = ? WHERE id = 'acct'", (balance,))
            connection.execute(
                "INSERT INTO ledger_entries (account_id, kind, amount, balance_after, description,"
                " reference, created_at) VALUES ('acct', 'usage', -1, ?, 'Call', ?,"
                " strftime('%Y-%m-%d %H:%M:%f', 'now'))",
                (balance, f"raw-{count}"),
            )
            connection.execute("COMMIT")
            count += 1
        return count / (time.perf_counter() - started)
    finally:
        connection.close()
