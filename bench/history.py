"""6. History at scale: latency of the first and of a deep transactions page (50 rows) with 10k,
100k and 1M ledger entries in one account, against an account of 100 entries (the reference).

The entries are written straight into the server's SQLite file in bulk (executemany, one
transaction; balance_after runs on and the balance column matches). A deep page is asked for
with the cursor the server would hand out 50 rows above the account's oldest entry (the cursor
is base64 "le:<id>", services/transactions.py). The History screen's kind filter is timed
too, on the worst case it meets: a kind with one entry, older than all the others.
"""

from __future__ import annotations

import base64
import sqlite3
import time
from contextlib import closing
from pathlib import Path
from typing import Any

import httpx

from bench.common import Row, Table, median, ms, workdir
from bench.server_setup import bulk_entries, live_server

SIZES = (10_000, 100_000, 1_000_000)
REFERENCE_SIZE = 100
GOAL_RATIO = 1.5
PAGE = 50


def cursor_for(entry_id: int) -> str:
    return base64.urlsafe_b64encode(f"le:{entry_id}".encode()).decode().rstrip("=")


def deep_cursor(database: Path, account_id: str) -> str:
    with closing(sqlite3.connect(database)) as connection:
        ids = connection.execute(
            "SELECT id FROM ledger_entries WHERE account_id = ? ORDER BY id LIMIT ?",
            (account_id, PAGE + 1),
        ).fetchall()
    return cursor_for(ids[-1][0])


def timed(client: httpx.Client, params: dict[str, Any], headers: dict[str, str]) -> float:
    started = time.perf_counter()
    answer = client.get("/v1/account/transactions", params=params, headers=headers)
    elapsed = time.perf_counter() - started
    answer.raise_for_status()
    assert len(answer.json()["data"]) >= 1
    return elapsed


def run(requests: int, sizes: tuple[int, ...] = SIZES) -> Table:
    table = Table("6. History at scale: GET /v1/account/transactions?limit=50")
    with live_server(workdir("history-server")) as server:
        accounts: dict[int, Any] = {}
        insert_seconds: dict[int, float] = {}
        for size in (REFERENCE_SIZE, *sizes):
            owner = server.make_owner(balance=10**12, with_card=False)
            insert_seconds[size] = bulk_entries(server.database_path, owner.account_id, size - 1)
            accounts[size] = owner
        cursors = {
            size: deep_cursor(server.database_path, o.account_id) for size, o in accounts.items()
        }
        samples: dict[tuple[int, str], list[float]] = {}
        with httpx.Client(base_url=server.url, timeout=60) as client:
            for _ in range(requests):
                for size, owner in accounts.items():
                    queries: dict[str, dict[str, Any]] = {
                        "first": {"limit": PAGE},
                        "deep": {"limit": PAGE, "cursor": cursors[size]},
                        "kind": {"limit": PAGE, "kind": "adjustment"},
                    }
                    for name, params in queries.items():
                        samples.setdefault((size, name), []).append(
                            timed(client, params, owner.headers)
                        )
    labels = {
        "first": "first page",
        "deep": "deep page (the oldest 50)",
        "kind": "first page filtered by kind (History's filter; 1 adjustment among usage)",
    }
    for name, label in labels.items():
        reference = median(samples[(REFERENCE_SIZE, name)])
        for size in sizes:
            value = median(samples[(size, name)])
            ratio = value / reference
            table.rows.append(
                Row(
                    f"{label}, {size:,} entries",
                    ms(value) if value >= 0.01 else f"{value * 1000:.1f} ms",
                    f"{REFERENCE_SIZE} entries {reference * 1000:.1f} ms",
                    f"{ratio:.2f}x",
                    f"<= {GOAL_RATIO}x (flat)",
                    ratio <= GOAL_RATIO,
                )
            )
    inserted = ", ".join(f"{size:,} in {insert_seconds[size]:.1f} s" for size in sizes)
    table.notes.append(
        f"Median of {requests} requests per cell, interleaved across accounts; one client, "
        f"keep-alive. Bulk insert: {inserted}."
    )
    return table
