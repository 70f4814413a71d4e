"""Keeps the embedded credits-server running while any credits-tui uses it, and no longer.

Run by `credits_client.embedded` as `python -P -m credits_client.embedded_supervisor RUNTIME_DIR
DATABASE_URL` in RUNTIME_DIR, detached from the terminal.
Standard library only: it must start fast and never import the app.
"""

from __future__ import annotations

import ctypes
import fcntl
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from credits_client.embedded import LAUNCH_LOCK, SOCKET_NAME, SUPERVISOR_LOCK, USERS_LOCK

# How often it looks for remaining users. A lock probe costs microseconds; this only bounds how
# long a server outlives its last app.
_POLL_SECONDS = 0.25
_PR_SET_PDEATHSIG = 1
_MAX_RESTARTS = 3


def _die_with_parent() -> None:
    """In the server child: if the supervisor is killed outright, the server goes with it."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def _start_server(directory: Path, database_url: str) -> subprocess.Popen[bytes]:
    socket_path = directory / SOCKET_NAME
    socket_path.unlink(missing_ok=True)
    env = {**os.environ, "CREDITS_SERVER_DATABASE_URL": database_url}
    # `--demo` seeds the demo account on first run and shows its credentials at sign-in.
    command = [
        sys.executable,
        "-P",  # as the supervisor: no working directory on the path
        "-m",
        "credits_server.cli",
        "serve",
        "--uds",
        str(socket_path),
        "--demo",
    ]
    return subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [*command, "--migrate"],
        env=env,
        cwd=directory,
        stdin=subprocess.DEVNULL,
        preexec_fn=_die_with_parent,  # safe: this process runs no threads
        close_fds=True,
    )


def _no_users_left(directory: Path) -> bool:
    """True, with the launch lock held by the caller, when no app holds the users lock."""
    with (directory / USERS_LOCK).open("ab") as users:
        try:
            fcntl.flock(users, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True


def _stop(server: subprocess.Popen[bytes], directory: Path) -> None:
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    (directory / SOCKET_NAME).unlink(missing_ok=True)


def supervise(directory: Path, database_url: str) -> int:
    lock = (directory / SUPERVISOR_LOCK).open("ab")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return 0  # another supervisor already serves this user
    os.write(sys.stdout.fileno(), b"1")
    # Let the app's read end see EOF, but keep fd 1 valid: the server writes to it (uvicorn asks
    # sys.stdout.isatty()).
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)

    stopping = False

    def request_stop(_signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)

    server = _start_server(directory, database_url)
    restarts = 0
    while not stopping:
        time.sleep(_POLL_SECONDS)
        with (directory / LAUNCH_LOCK).open("ab") as launch:
            fcntl.flock(launch, fcntl.LOCK_EX)
            if _no_users_left(directory):
                # Stop and step down before an app may launch again: an app that starts now waits
                # on the launch lock, then finds no supervisor and starts a fresh one. Letting go
                # of the launch lock first would let it rely on this one, already on its way out.
                _stop(server, directory)
                lock.close()
                return 0
        if server.poll() is not None:
            if restarts >= _MAX_RESTARTS:
                print("credits-server keeps exiting; giving up", file=sys.stderr)
                return 1
            restarts += 1
            server = _start_server(directory, database_url)
    _stop(server, directory)
    return 0


def main() -> int:
    directory, database_url = Path(sys.argv[1]), sys.argv[2]
    return supervise(directory, database_url)


if __name__ == "__main__":
    raise SystemExit(main())
