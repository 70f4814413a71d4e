"""`credits-server COMMAND ...` run inside the test process: `credits_server.cli.main`, the
function the installed console script calls, with this environment, standard input and captured
output, answering as `subprocess.run(..., capture_output=True, text=True)` would.

A subprocess of the installed command costs about two seconds, nearly all of it importing
SQLAlchemy and the server; in here those are imported once. What a subprocess would add is tested
where it matters: tests/credits_server/test_cli.py runs the installed command itself (its entry
point, a password on a pipe, `serve` on a socket).

The command runs in a thread of its own (its `asyncio.run` needs a thread without a running event
loop, and async tests have one), with `os.environ` and `sys.stdin/stdout/stderr` swapped for its
duration: one command at a time per process, as the tests run. An exception that escapes `main`
is written to the captured standard error as a traceback, exit status 1, as Python would.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import threading
import traceback
from collections.abc import Mapping, Sequence

PROGRAM = "credits-server"
TIMEOUT = 60.0


def run_credits_server(
    args: Sequence[str], env: Mapping[str, str], stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    """`credits-server ARGS` with exactly the environment `env` (as `subprocess.run(env=...)`)."""
    from credits_server.cli import main

    stdout, stderr = io.StringIO(), io.StringIO()
    status: list[int] = []

    def command() -> None:
        try:
            status.append(main(list(args)))
        except SystemExit as leaving:  # argparse: --help, a usage error
            code = leaving.code
            if isinstance(code, str):
                print(code, file=sys.stderr)
            status.append(code if isinstance(code, int) else int(code is not None))
        except BaseException:
            traceback.print_exc(file=sys.stderr)
            status.append(1)

    saved_environ = dict(os.environ)
    saved_streams = sys.stdin, sys.stdout, sys.stderr
    os.environ.clear()
    os.environ.update(env)
    sys.stdin, sys.stdout, sys.stderr = io.StringIO(stdin), stdout, stderr
    try:
        thread = threading.Thread(target=command, name=PROGRAM, daemon=True)
        thread.start()
        thread.join(TIMEOUT)
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved_streams
        os.environ.clear()
        os.environ.update(saved_environ)
    if thread.is_alive():
        raise subprocess.TimeoutExpired([PROGRAM, *args], TIMEOUT, stdout.getvalue())
    return subprocess.CompletedProcess(
        [PROGRAM, *args], status[0], stdout.getvalue(), stderr.getvalue()
    )
