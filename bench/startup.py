"""1. Start-up: process start to the login screen painted, in a pty at 80x24.

Beside it, in the same run and interleaved: `python -c "import textual.app"` (process start to
exit) and a hello-world Textual app (process start to "Hello, World!" on screen). The app runs
with --api-url against a live credits-server (so its own start-up is what is timed); the
embedded-server start (no api_url) is measured too, for information.
"""

from __future__ import annotations

import os
import subprocess
import time

from bench.common import BIN, PYTHON, ROOT, Row, Table, isolated_env, median, ms, workdir
from bench.pty_terminal import PtyTerminal
from bench.server_setup import live_server

LOGIN_TEXT = "Sign in to Credits"
GOAL_RATIO = 1.15


def time_to_text(command: list[str], needle: str, label: str) -> float:
    env = isolated_env(workdir(label))
    # The warm-up writes the bytecode caches a user's installation has: with
    # PYTHONDONTWRITEBYTECODE set (some shells and CI images set it), every run would compile
    # Textual and the app from source, and compiling dominated what was timed.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    with PtyTerminal(command, env, cwd=str(ROOT)) as terminal:
        seen = terminal.wait_for(needle)
        return seen - terminal.started_at


def time_import() -> float:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    started = time.monotonic()
    subprocess.run([PYTHON, "-c", "import textual.app"], check=True, cwd=ROOT, env=env)
    return time.monotonic() - started


def run(runs: int) -> Table:
    table = Table("1. Start-up to first paint (pty 80x24)")
    hello = [PYTHON, str(ROOT / "bench" / "ref_hello_app.py")]
    with live_server(workdir("startup-server")) as server:
        app = [str(BIN / "credits-tui"), "--api-url", server.url]
        embedded = [str(BIN / "credits-tui")]
        samples: dict[str, list[float]] = {"import": [], "hello": [], "app": [], "embedded": []}
        # One warm-up of each (bytecode caches, page cache), then interleaved runs.
        for index in range(runs + 1):
            results = {
                "import": time_import(),
                "hello": time_to_text(hello, "Hello, World!", "hello"),
                "app": time_to_text(app, LOGIN_TEXT, "app"),
                "embedded": time_to_text(embedded, LOGIN_TEXT, "embedded"),
            }
            if index:
                for key, value in results.items():
                    samples[key].append(value)
    hello_ms = median(samples["hello"])
    app_s = median(samples["app"])
    ratio = app_s / hello_ms
    table.rows.append(
        Row(
            "credits-tui login painted (--api-url)",
            ms(app_s),
            f"hello-world app {ms(hello_ms)}",
            f"{ratio:.2f}x",
            f"<= {GOAL_RATIO}x hello-world",
            ratio <= GOAL_RATIO,
        )
    )
    embedded_s = median(samples["embedded"])
    table.rows.append(
        Row(
            "credits-tui login painted (embedded server)",
            ms(embedded_s),
            f"hello-world app {ms(hello_ms)}",
            f"{embedded_s / hello_ms:.2f}x",
            "(information)",
        )
    )
    import_s = median(samples["import"])
    table.rows.append(
        Row(
            '`python -c "import textual.app"`',
            ms(import_s),
            f"hello-world app {ms(hello_ms)}",
            f"{import_s / hello_ms:.2f}x",
            "(floor)",
        )
    )
    table.notes.append(
        f"Median of {runs} interleaved runs after one warm-up; painted = the text is on the "
        "pyte-decoded screen (polled every 2 ms)."
    )
    return table
