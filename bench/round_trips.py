"""7. Round trips: the HTTP requests the app makes from start to the dashboard, and for one
top-up (dashboard -> add credits -> pick $10 -> pay with the saved card -> dashboard balance).

Read from the server's own request log (one JSON line per request, written when the request
ends: the event stream's line appears when the app quits, and is counted with start-up).
"Twice for the same data" = the same method and path more than once in a phase (the log has no
query strings; a long poll or a retried request would show here).
"""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path

from bench.app_driver import sign_in, start_app
from bench.common import Row, Table, workdir
from bench.pty_terminal import KEYS
from bench.server_setup import live_server


def requests_in(log: Path) -> list[tuple[str, str]]:
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.strip()]
    return [(r["method"], r["path"]) for r in lines if r.get("event") == "request"]


def wait_for_lines(log: Path, count: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while len(requests_in(log)) < count and time.monotonic() < deadline:
        time.sleep(0.05)  # polling the log file, bounded by the deadline


def describe(requests: list[tuple[str, str]]) -> str:
    counts = Counter(requests)
    return "; ".join(f"{m} {p}" + (f" x{n}" if n > 1 else "") for (m, p), n in counts.items())


def run() -> Table:
    table = Table("7. Round trips (HTTP requests made by the app)")
    with live_server(workdir("trips-server")) as server:
        owner = server.make_owner(balance=5000)
        log = server.log_path
        before = len(requests_in(log))
        with start_app(server.url, "trips-app") as terminal:
            sign_in(terminal, owner)
            time.sleep(1.0)  # anything the dashboard fetches late shows up in this second
            at_dashboard = len(requests_in(log))
            terminal.type("a")
            terminal.wait_for("Pick an amount")
            terminal.wait_quiet()
            terminal.type("1")
            terminal.wait_for("Pay $10.00")
            terminal.wait_quiet()
            terminal.send(KEYS["ctrl+s"])
            terminal.wait_for("$60.00")  # back on the dashboard (or shown) with the new balance
            terminal.wait_quiet()
            time.sleep(1.0)
            after_topup = len(requests_in(log))
            terminal.send(KEYS["ctrl+q"])
            terminal.process.wait(timeout=10)
        wait_for_lines(log, after_topup + 1)
        everything = requests_in(log)[before:]
    start = everything[: at_dashboard - before]
    topup = everything[at_dashboard - before : after_topup - before]
    late = everything[after_topup - before :]  # lines written at exit: the event stream
    start += [r for r in late if r[1] == "/v1/events"]
    topup += [r for r in late if r[1] != "/v1/events"]
    for label, requests in (("start to dashboard", start), ("one top-up", topup)):
        repeated = {r: n for r, n in Counter(requests).items() if n > 1}
        table.rows.append(
            Row(
                f"{label}: {describe(requests)}",
                str(len(requests)),
                goal="no request twice for the same data",
                met=not repeated,
            )
        )
    table.notes.append(
        "One run (the count does not vary); the sign-in includes GET /v1/server-info at start."
    )
    return table
