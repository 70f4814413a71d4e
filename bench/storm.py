"""5. Auto-recharge: how soon one threshold crossing is recharged, and exactly once under a storm.

One crossing: a fresh account $0.10 above the threshold, one debit of $0.20 on an open keep-alive
connection; the time from sending it until the recharge's ledger entry is committed (visible to
another connection, polled every millisecond). Median of N accounts.

The storm: 1,000 concurrent debits carry the balance across the auto-recharge threshold once;
the recharges fired must be exactly 1. Balance $600.00, threshold $500.00, recharge adds $500.00,
1,000 debits of $0.20 ($200.00 in all): the balance crosses the threshold once, and after one
recharge it can never fall below it again, so any second recharge would be a duplicate. Time:
from the first debit sent until every debit is answered and the recharge's ledger entry is
written (its created_at).
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import time
from datetime import UTC, datetime
from typing import Any

import httpx

from bench.common import PYTHON, ROOT, Row, Table, median, workdir
from bench.postgres_cluster import DURABILITY as PG_DURABILITY
from bench.server_load import make_api_key, usage_available
from bench.server_setup import live_server

DEBITS = 1000
SETTLE_SECONDS = 3.0  # after the recharge: long enough for a duplicate to show up
THRESHOLD = 50_000
CROSSING_GOAL = 0.100  # seconds, one crossing to its recharge committed (SQLite)


def enable_auto_recharge(url: str, owner: Any) -> None:
    current = httpx.get(f"{url}/v1/auto-recharge", headers=owner.headers)
    current.raise_for_status()
    body = {
        "enabled": True,
        "mode": "add",
        "threshold": THRESHOLD,
        "amount": 50_000,
        "payment_method_id": owner.payment_method_id,
    }
    headers = {**owner.headers, "If-Match": current.headers["ETag"]}
    httpx.put(f"{url}/v1/auto-recharge", json=body, headers=headers).raise_for_status()


def recharges(server: Any, account_id: str) -> int:
    return sum(1 for row in server.ledger(account_id) if row.kind == "auto_recharge")


def one_storm(server: Any, key: str) -> tuple[int, float, int, dict[str, int]]:
    owner = server.make_owner(balance=60_000)
    enable_auto_recharge(server.url, owner)
    spec = {
        "url": server.url,
        "kind": "usage",
        "token": key,
        "account_id": owner.account_id,
        "amount": 20,
        "concurrency": DEBITS,
        "max_requests": DEBITS,
        "max_seconds": 120,
        "run": f"storm-{owner.account_id}",
    }
    process = subprocess.run(
        [PYTHON, "-m", "bench.loadgen", json.dumps(spec)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    result = json.loads(process.stdout)
    deadline = time.monotonic() + 60
    while recharges(server, owner.account_id) < 1 and time.monotonic() < deadline:
        time.sleep(0.02)  # polling the ledger for the recharge, bounded by the deadline
    time.sleep(SETTLE_SECONDS)  # a duplicate recharge would land in this window
    landed = recharge_committed_at(server, owner.account_id)
    answered = result["started_at"] + result["elapsed"]
    elapsed = max(answered, landed or answered) - result["started_at"]
    return recharges(server, owner.account_id), elapsed, result["count"], result["errors"]


def recharge_committed_at(server: Any, account_id: str) -> float | None:
    """When the (first) recharge's ledger entry was written, as a Unix time: read through the
    server's own database access, so on SQLite and PostgreSQL alike."""

    async def action(ctx: Any) -> datetime | None:
        from sqlalchemy import text

        async with ctx.db.read() as session:
            result = await session.execute(
                text(
                    "SELECT min(created_at) FROM ledger_entries"
                    " WHERE account_id = :account AND kind = 'auto_recharge'"
                ),
                {"account": account_id},
            )
            value = result.scalar()
        if value is None:
            return None
        if isinstance(value, str):  # SQLite hands back text
            value = datetime.fromisoformat(value)
        assert isinstance(value, datetime)
        return value

    when = server.run(action)
    if when is None:
        return None
    if when.tzinfo is None:  # stored as UTC without a zone
        when = when.replace(tzinfo=UTC)
    return float(when.timestamp())


def one_crossing(server: Any, key: str, postgres: bool) -> float:
    """Seconds from sending one debit that crosses the threshold until its recharge is committed."""
    owner = server.make_owner(balance=THRESHOLD + 10)
    enable_auto_recharge(server.url, owner)
    landed = _landed_on_postgres(server) if postgres else _landed_on_sqlite(server)
    record = {"account_id": owner.account_id, "amount": 20, "kind": "call"}
    headers = {"Authorization": f"Bearer {key}"}
    with httpx.Client(base_url=server.url, headers=headers, timeout=30) as client:
        client.get("/v1/server-info").raise_for_status()  # the connection open before timing
        started = time.perf_counter()
        client.post("/v1/usage", json={**record, "reference": "cross"}).raise_for_status()
        deadline = time.monotonic() + 30
        while not landed(owner.account_id):
            if time.monotonic() > deadline:
                raise RuntimeError("no recharge within 30 s of the crossing")
            time.sleep(0.001)  # polling the ledger for the recharge, bounded by the deadline
        return time.perf_counter() - started


def _landed_on_sqlite(server: Any) -> Any:
    connection = sqlite3.connect(f"file:{server.database_path}?mode=ro", uri=True)

    def landed(account_id: str) -> bool:
        row = connection.execute(
            "SELECT 1 FROM ledger_entries WHERE account_id = ? AND kind = 'auto_recharge'",
            (account_id,),
        ).fetchone()
        if row is not None:
            connection.close()
        return row is not None

    return landed


def _landed_on_postgres(server: Any) -> Any:
    return lambda account_id: recharges(server, account_id) > 0


def run(runs: int, postgres: bool = False, crossings: int = 5) -> Table:
    """On SQLite, or (postgres=True) on the cluster bench.postgres_cluster.cluster() started."""
    if postgres:
        table = Table(f"5b. Auto-recharge on PostgreSQL ({PG_DURABILITY})")
    else:
        table = Table("5. Auto-recharge (SQLite)")
    with live_server(workdir("storm-server"), postgres=postgres) as server:
        key = make_api_key(server)
        if not usage_available(server.url, key):
            table.rows.append(Row("recharges fired", "not available (no POST /v1/usage)"))
            return table
        times = [one_crossing(server, key, postgres) for _ in range(crossings)]
        outcomes = [one_storm(server, key) for _ in range(runs)]
    crossing = median(times)
    table.rows.append(
        Row(
            f"one threshold crossing to its recharge committed (a single debit, median of"
            f" {crossings}; min {min(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms)",
            f"{crossing * 1000:.0f} ms",
            goal="(information)" if postgres else f"<= {CROSSING_GOAL * 1000:.0f} ms",
            met=None if postgres else crossing <= CROSSING_GOAL,
        )
    )
    fired = [o[0] for o in outcomes]
    errors = {k: v for o in outcomes for k, v in o[3].items()}
    table.rows.append(
        Row(
            f"recharges fired by {DEBITS:,} concurrent debits crossing the threshold"
            f" (each of {runs} storms)",
            ", ".join(str(n) for n in fired),
            goal="exactly 1",
            met=all(n == 1 for n in fired),
        )
    )
    table.rows.append(
        Row(
            f"storm: first debit sent to recharge committed (median of {runs})",
            f"{median([o[1] for o in outcomes]):.2f} s",
            goal="(information)",
        )
    )
    table.rows.append(
        Row(
            "storm: debits answered / refused",
            f"{median([o[2] for o in outcomes]):.0f} / {sum(errors.values())}"
            + (f" {errors}" if errors else ""),
        )
    )
    table.notes.append(
        "One crossing: a fresh account with auto-recharge on, $0.10 above the threshold; one "
        "debit of $0.20 on an open connection; the recharge's ledger entry polled every 1 ms "
        "from another connection. Time from the send until that entry is visible."
    )
    table.notes.append(
        "Each storm: a fresh account; 1,000 clients (one connection each) in a separate process "
        f"send one debit each at once; recharges counted in the ledger {SETTLE_SECONDS:g} s after "
        "the first one landed. Time from the load generator's first send (its clients made). Load "
        "from bench/loadgen.py (Python): wrk keeps each connection sending for a duration and "
        "cannot send exactly one request on each of 1,000 connections at once."
    )
    return table
