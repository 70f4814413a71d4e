"""2. Memory: peak RSS (VmHWM) of the app on the dashboard of an account with 500 transactions.

The reference is the hello-world Textual app's peak RSS, measured in the same run.
"""

from __future__ import annotations

from bench.app_driver import peak_rss_kib, sign_in, start_app
from bench.common import PYTHON, ROOT, Row, Table, isolated_env, median, workdir
from bench.pty_terminal import PtyTerminal
from bench.server_setup import live_server, post_entries

GOAL_MB = 90.0
TRANSACTIONS = 500


def hello_rss() -> float:
    command = [PYTHON, str(ROOT / "bench" / "ref_hello_app.py")]
    with PtyTerminal(command, isolated_env(workdir("mem-hello")), cwd=str(ROOT)) as terminal:
        terminal.wait_for("Hello, World!")
        terminal.wait_quiet()
        return peak_rss_kib(terminal.process.pid) / 1024


def app_rss(url: str, owner: object) -> float:
    with start_app(url, "mem-app") as terminal:
        sign_in(terminal, owner)  # type: ignore[arg-type]
        return peak_rss_kib(terminal.process.pid) / 1024


def run(runs: int) -> Table:
    table = Table(f"2. Memory: peak RSS on the dashboard, {TRANSACTIONS} transactions")
    with live_server(workdir("memory-server")) as server:
        owner = server.make_owner(balance=500_000)
        post_entries(server, owner.account_id, TRANSACTIONS - 1)  # + the opening balance
        apps, hellos = [], []
        for _ in range(runs):
            apps.append(app_rss(server.url, owner))
            hellos.append(hello_rss())
    value = median(apps)
    reference = median(hellos)
    table.rows.append(
        Row(
            "credits-tui peak RSS (VmHWM)",
            f"{value:.1f} MB",
            f"hello-world app {reference:.1f} MB",
            f"{value / reference:.2f}x",
            f"< {GOAL_MB:.0f} MB",
            value < GOAL_MB,
        )
    )
    table.notes.append(
        f"Median of {runs} runs; /proc/PID/status VmHWM read once the dashboard is painted and the "
        "output has been quiet for 300 ms (MB = 2^20 bytes)."
    )
    return table
