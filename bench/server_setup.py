"""A real credits-server for the benchmarks: the tests' LiveServer (same start-up, same helpers)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tests.support.live_server import LiveServer
from tests.support.postgres import drop_database, private_database_url


@contextmanager
def live_server(
    workdir: Path, env: dict[str, str] | None = None, postgres: bool = False
) -> Iterator[LiveServer]:
    """On the SQLite file, or (postgres=True) on a new database of the cluster that
    bench.postgres_cluster.cluster() started, dropped afterwards."""
    database_url = private_database_url("bench") if postgres else None
    if postgres and database_url is None:
        raise RuntimeError("no PostgreSQL cluster (bench.postgres_cluster.cluster())")
    try:
        server = LiveServer(workdir, env=dict(env or {}), database_url_override=database_url)
        server.start()
        try:
            server.open_database()
            try:
                yield server
            finally:
                server.close_database()
        finally:
            server.stop()
    finally:
        if database_url is not None:
            drop_database(database_url)


def post_entries(server: LiveServer, account_id: str, count: int, amount: int = -25) -> None:
    """`count` usage entries through the server's own ledger code, in one transaction."""

    async def action(ctx: Any) -> None:
        from credits_server.ledger import post

        async with ctx.db.write() as session:
            for index in range(count):
                await post(
                    session,
                    account_id,
                    kind="usage" if amount < 0 else "adjustment",
                    amount=amount,
                    description=f"Call {index}",
                    reference=f"bench-{index}",
                )

    server.run(action)


def bulk_entries(database: Path, account_id: str, count: int, amount: int = -1) -> float:
    """`count` ledger rows straight into SQLite (executemany, one transaction): the fast way to
    reach 1M. `balance_after` runs on from the account's balance and the balance column is set
    to the last one, so balance == sum(entries) still holds. Returns seconds taken."""
    started = datetime.now(UTC)
    connection = sqlite3.connect(database, isolation_level=None)
    try:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        connection.execute("BEGIN IMMEDIATE")
        (balance,) = connection.execute(
            "SELECT balance FROM accounts WHERE id = ?", (account_id,)
        ).fetchone()
        base = datetime.now(UTC) - timedelta(seconds=count)
        chunk = 50_000
        for start in range(0, count, chunk):
            rows = []
            for index in range(start, min(count, start + chunk)):
                balance += amount
                when = (base + timedelta(seconds=index)).strftime("%Y-%m-%d %H:%M:%S.%f")
                rows.append(
                    (account_id, "usage", amount, balance, f"Call {index}", f"bulk-{index}", when)
                )
            connection.executemany(
                "INSERT INTO ledger_entries (account_id, kind, amount, balance_after,"
                " description, reference, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
        connection.execute("UPDATE accounts SET balance = ? WHERE id = ?", (balance, account_id))
        connection.execute("COMMIT")
    finally:
        connection.close()
    return (datetime.now(UTC) - started).total_seconds()
