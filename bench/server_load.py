"""4. Server throughput: top-ups and usage debits, beside the HTTP and storage limits.

Everything runs in the same run, interleaved per repetition: the hello-world FastAPI endpoint
(bench/ref_hello_api.py, uvicorn with the server's options), the real credits-server (its
request log on, as deployed), raw SQLite debit transactions (bench/ref_sqlite.py), and the load
generator's own ceiling (wrk against bench/ref_static.py, a responder that parses nothing). The
load comes from wrk (bench/wrk.py), bounded in time, to 127.0.0.1.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from bench import wrk
from bench.common import PYTHON, ROOT, Row, Table, median, workdir
from bench.postgres_cluster import DURABILITY as PG_DURABILITY
from bench.ref_sqlite import debits_per_second
from bench.server_setup import live_server
from tests.support.live_server import free_port

DURABILITY = "NORMAL"  # credits_server/db.py: PRAGMA synchronous=NORMAL with WAL
CONCURRENCY = (1, 8, 64)
DEBIT_CLIENTS = 8
SINGLE_GOAL_SQLITE = 0.50  # single debits per second, of the hello-world app's
SINGLE_GOAL_POSTGRES = 0.35
BATCH = 100
QUIET_SECONDS = 0.5  # the server's request log unchanged this long: nothing left in flight


@contextmanager
def hello_server(script: str = "ref_hello_api.py") -> Iterator[str]:
    """A reference server (a script in bench/ taking its port), answering GET /hello."""
    port = free_port()
    process = subprocess.Popen([PYTHON, str(ROOT / "bench" / script), str(port)])
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/hello", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.05)  # polling for readiness, bounded by the deadline
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def on_server(server: Any, spec: dict[str, Any]) -> dict[str, Any]:
    """wrk against the server, then a wait until the requests wrk left in flight are answered:
    wrk stops at its deadline without waiting for them, and their tail would load the next row
    (64 top-ups left in flight keep the server busy for seconds; FINDINGS.md section 0)."""
    result = wrk.load(spec)
    settle(server.log_path)
    return result


def settle(request_log: Path) -> None:
    """Until the server's request log (a line per answered request) has stopped growing."""
    size = -1
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        now = request_log.stat().st_size if request_log.exists() else 0
        if now == size:
            return
        size = now
        time.sleep(QUIET_SECONDS)  # polling the log until it is quiet, bounded by the deadline


def usage_available(url: str, token: str) -> bool:
    answer = httpx.post(f"{url}/v1/usage", json={}, headers={"Authorization": f"Bearer {token}"})
    return answer.status_code not in (404, 405)


def make_api_key(server: Any) -> str:
    async def action(ctx: Any) -> str:
        from credits_server.services.api_keys import create_api_key

        return str((await create_api_key(ctx, "bench")).key)

    return str(server.run(action))


def summarise(results: list[dict[str, Any]]) -> tuple[float, float, float, dict[str, int]]:
    """Median rate, median p50 and p99 latency (seconds) of the repetitions, errors summed."""
    errors: dict[str, int] = {}
    for result in results:
        for code, count in result["errors"].items():
            errors[code] = errors.get(code, 0) + count
    return (
        median([r["rate"] for r in results]),
        median([r["p50"] for r in results]),
        median([r["p99"] for r in results]),
        errors,
    )


def run(runs: int, seconds: float, postgres: bool = False) -> Table:
    """On SQLite, or (postgres=True) on the cluster bench.postgres_cluster.cluster() started:
    the same load at the same client counts; the raw SQLite reference only on SQLite."""
    if postgres:
        table = Table(f"4b. Server throughput (PostgreSQL, {PG_DURABILITY})")
    else:
        table = Table(f"4. Server throughput (SQLite WAL, synchronous={DURABILITY})")
    base = {"seconds": seconds}
    hello: dict[int, list[dict[str, Any]]] = {c: [] for c in CONCURRENCY}
    ceiling: dict[int, list[dict[str, Any]]] = {c: [] for c in CONCURRENCY}
    topups: dict[int, list[dict[str, Any]]] = {c: [] for c in CONCURRENCY}
    singles: list[dict[str, Any]] = []
    batches: list[dict[str, Any]] = []
    raw: dict[str, list[float]] = {} if postgres else {"NORMAL": [], "FULL": []}
    scratch = workdir("sqlite")
    # Capacity is measured here, not the card-testing defence (10 new top-ups per account per
    # minute, answered 429): the limit is raised for this server only.
    limits = {"CREDITS_SERVER_TOPUP_MAX_PER_MINUTE": str(10**9)}
    with (
        hello_server() as hello_url,
        hello_server("ref_static.py") as static_url,
        live_server(workdir("load-server"), limits, postgres) as server,
    ):
        owner = server.make_owner(balance=1_000_000_000)  # top-ups
        debited = server.make_owner(balance=1_000_000_000)  # debits, an account of their own
        key = make_api_key(server)
        has_usage = usage_available(server.url, key)
        # One untimed second of each load first: SQLAlchemy's statement cache, lazy imports and
        # the gateway's connection are warm before anything is counted, as in the references.
        warm = {"url": server.url, "seconds": 1, "concurrency": DEBIT_CLIENTS, "token": key}
        if has_usage:
            on_server(server, {**warm, "kind": "usage", "account_id": debited.account_id})
            warm.update(run="w", kind="usage_batch", batch=BATCH)
            on_server(server, {**warm, "account_id": debited.account_id})
        warm.update(kind="topup", token=owner.token, payment_method_id=owner.payment_method_id)
        on_server(server, warm)
        for repetition in range(runs):
            for clients in CONCURRENCY:
                spec = {**base, "kind": "hello", "concurrency": clients}
                ceiling[clients].append(wrk.load({**spec, "url": static_url}))
                hello[clients].append(wrk.load({**spec, "url": hello_url}))
            if has_usage:
                spec = {"url": server.url, "token": key, "account_id": debited.account_id}
                spec.update(concurrency=DEBIT_CLIENTS, run=f"s{repetition}")
                singles.append(on_server(server, {**base, **spec, "kind": "usage"}))
                spec.update(run=f"b{repetition}", batch=BATCH)
                batches.append(on_server(server, {**base, **spec, "kind": "usage_batch"}))
            for clients in CONCURRENCY:
                spec = {"url": server.url, "kind": "topup", "concurrency": clients}
                spec.update(token=owner.token, payment_method_id=owner.payment_method_id)
                topups[clients].append(on_server(server, {**base, **spec, "run": f"t{repetition}"}))
            for setting in raw:
                raw[setting].append(debits_per_second(scratch, setting, min(seconds, 3.0)))

    hello_rates = {c: summarise(hello[c]) for c in CONCURRENCY}
    ceilings = {c: summarise(ceiling[c])[0] for c in CONCURRENCY}

    def reference(clients: int) -> str:
        return f"hello-world {hello_rates[clients][0]:,.0f}/s; wrk >= {ceilings[clients]:,.0f}/s"

    for clients in CONCURRENCY:
        rate, p50, p99, errors = summarise(topups[clients])
        ref = hello_rates[clients][0]
        table.rows.append(
            Row(
                f"top-ups/s, {clients} client{'s' if clients > 1 else ''}"
                f" (p50 {p50 * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms)"
                + (f", errors {errors}" if errors else ""),
                f"{rate:,.0f}/s",
                reference(clients),
                f"{rate / ref:.0%}",
                "(information)",
            )
        )
    ref_http = hello_rates[DEBIT_CLIENTS][0]
    single_goal = SINGLE_GOAL_POSTGRES if postgres else SINGLE_GOAL_SQLITE
    ref_sql = median(raw[DURABILITY]) if raw else 0.0
    if has_usage:
        rate, p50, p99, errors = summarise(singles)
        table.rows.append(
            Row(
                f"usage debits/s, one per request, {DEBIT_CLIENTS} clients"
                f" (p50 {p50 * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms)"
                + (f", errors {errors}" if errors else ""),
                f"{rate:,.0f}/s",
                reference(DEBIT_CLIENTS),
                f"{rate / ref_http:.0%}",
                f">= {single_goal:.0%} of hello-world",
                rate >= single_goal * ref_http and not errors,
            )
        )
        rate, p50, p99, errors = summarise(batches)
        debits = rate * BATCH
        what = (
            f"usage debits/s in batches of {BATCH}, {DEBIT_CLIENTS} clients"
            f" (p50 {p50 * 1000:.0f} ms per batch)" + (f", errors {errors}" if errors else "")
        )
        if postgres:  # no raw PostgreSQL reference: the number beside SQLite's table
            table.rows.append(Row(what, f"{debits:,.0f}/s", goal="(information)"))
        else:
            table.rows.append(
                Row(
                    what,
                    f"{debits:,.0f}/s",
                    f"raw SQLite ({DURABILITY}) {ref_sql:,.0f}/s",
                    f"{debits / ref_sql:.0%}",
                    f">= 100% of raw SQLite ({DURABILITY})",
                    debits >= ref_sql and not errors,
                )
            )
    else:
        for what in ("usage debits, one per request", f"usage debits, batches of {BATCH}"):
            table.rows.append(Row(what, "not available (no POST /v1/usage)", met=False))
    for clients in CONCURRENCY:
        rate, p50, p99, _ = hello_rates[clients]
        table.rows.append(
            Row(
                f"reference: hello-world GET, {clients} client{'s' if clients > 1 else ''}"
                f" (p50 {p50 * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms)",
                f"{rate:,.0f}/s",
            )
        )
    for clients in CONCURRENCY:
        table.rows.append(
            Row(
                f"reference: load generator's ceiling, wrk against a static responder, {clients}"
                f" client{'s' if clients > 1 else ''}",
                f"{ceilings[clients]:,.0f}/s",
            )
        )
    for setting, rates in raw.items():
        table.rows.append(
            Row(
                f"reference: raw SQLite debit transactions, synchronous={setting}",
                f"{median(rates):,.0f}/s",
            )
        )
    table.notes.append(
        f"Median rate of {runs} repetitions of {seconds:g} s each, load from wrk (one thread, one "
        "keep-alive connection per client, on the same 2 cores); p50/p99 are medians of each "
        "repetition's wrk percentiles. After each load the server is let finish the requests wrk "
        "left in flight (its request log quiet for "
        f"{QUIET_SECONDS:g} s) before the next. "
        "Top-ups: one account, its saved Visa 4242 through the sandbox gateway, a new "
        "Idempotency-Key each, the per-account limit of new top-ups per minute raised for this "
        "server. Debits: another account, 1 minor unit each, a unique reference each. Rates "
        "count successful answers only; errors are listed beside them."
    )
    table.notes.append(
        "Generator ceiling (`wrk >=`): wrk against bench/ref_static.py, which answers without "
        "parsing HTTP, so wrk can go no faster than that here; a hello-world or server rate far "
        "below it was the server's limit, not wrk's."
    )
    if postgres:
        table.notes.append(
            f"The server's durability setting: PostgreSQL with {PG_DURABILITY} (a throwaway "
            "cluster on the same machine, bench/postgres_cluster.py; a new database per run)."
        )
    else:
        table.notes.append(
            f"The server's durability setting: SQLite WAL with synchronous={DURABILITY}"
            " (credits_server/db.py)."
        )
    return table
