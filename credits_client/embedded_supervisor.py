"""Keeps the embedded credits-server running while any credits-tui uses it, and no longer.

Run by `credits_client.embedded` as `python -P -m credits_client.embedded_supervisor RUNTIME_DIR
DATABASE_URL LOG_FILE` in RUNTIME_DIR, detached from the terminal, with LOG_FILE as its stderr. The
server's output goes through it into LOG_FILE, kept under `LOG_MAX_BYTES` (see `ServerLog`).
Standard library only: it must start fast and never import the app.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import os
import select
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
LOG_MAX_BYTES = 5 * 1024 * 1024
LOG_BACKUPS = 2
_READ_SIZE = 65536


class ServerLog:
    """The log file open on `fd` (the supervisor's stderr), kept under `max_bytes`: a write that
    would pass it first moves the file to `.1` (`.1` to `.2`, and so on, the oldest dropped) and
    opens a new one on the same `fd`."""

    def __init__(
        self, path: Path, fd: int = 2, max_bytes: int = LOG_MAX_BYTES, backups: int = LOG_BACKUPS
    ) -> None:
        self.path = path
        self.fd = fd
        self.max_bytes = max_bytes
        self.backups = backups

    def write(self, data: bytes) -> None:
        size = os.fstat(self.fd).st_size
        if size and size + len(data) > self.max_bytes:
            self._rotate()
        os.write(self.fd, data[: self.max_bytes])

    def _rotate(self) -> None:
        for number in range(self.backups - 1, 0, -1):
            older = self.path.with_name(f"{self.path.name}.{number}")
            if older.exists():
                older.replace(self.path.with_name(f"{self.path.name}.{number + 1}"))
        with contextlib.suppress(FileNotFoundError):  # someone removed it: start a new one
            self.path.replace(self.path.with_name(f"{self.path.name}.1"))
        fresh = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        os.dup2(fresh, self.fd)
        os.close(fresh)


def copy_output(server: subprocess.Popen[bytes], log: ServerLog, timeout: float) -> bool:
    """Wait up to `timeout` for the server to write, and copy what it wrote into `log`.
    True when something was copied."""
    output = server.stderr
    if output is None or output.closed:
        time.sleep(timeout)
        return False
    ready, _, _ = select.select([output], [], [], timeout)
    if not ready:
        return False
    chunk = os.read(output.fileno(), _READ_SIZE)
    if not chunk:  # its end: the server has exited
        output.close()
        return False
    log.write(chunk)
    return True


def _die_with_parent() -> None:
    """In the server child: if the supervisor is killed outright, the server goes with it.

    Linux only (prctl); elsewhere (macOS) the server stops with the supervisor's normal exit alone.
    """
    if not sys.platform.startswith("linux"):
        return
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
        stderr=subprocess.PIPE,
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


def _finish(server: subprocess.Popen[bytes], log: ServerLog, *, grace: float) -> None:
    """Copy the server's output until it exits (killed after `grace` seconds), then the rest."""
    deadline = time.monotonic() + grace
    while server.poll() is None:
        if time.monotonic() >= deadline:
            server.kill()
            server.wait()
            break
        copy_output(server, log, max(0.0, min(_POLL_SECONDS, deadline - time.monotonic())))
    while copy_output(server, log, 0):
        pass


def _stop(server: subprocess.Popen[bytes], directory: Path, log: ServerLog) -> None:
    if server.poll() is None:
        server.terminate()
    _finish(server, log, grace=10)
    (directory / SOCKET_NAME).unlink(missing_ok=True)


def supervise(directory: Path, database_url: str, log: ServerLog) -> int:
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
        copy_output(server, log, _POLL_SECONDS)
        with (directory / LAUNCH_LOCK).open("ab") as launch:
            fcntl.flock(launch, fcntl.LOCK_EX)
            if _no_users_left(directory):
                # Stop and step down before an app may launch again: an app that starts now waits
                # on the launch lock, then finds no supervisor and starts a fresh one. Letting go
                # of the launch lock first would let it rely on this one, already on its way out.
                _stop(server, directory, log)
                lock.close()
                return 0
        if server.poll() is not None:
            _finish(server, log, grace=0)  # what it wrote before exiting
            if restarts >= _MAX_RESTARTS:
                print("credits-server keeps exiting; giving up", file=sys.stderr)
                return 1
            restarts += 1
            server = _start_server(directory, database_url)
    _stop(server, directory, log)
    return 0


def main() -> int:
    directory, database_url, log_path = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
    return supervise(directory, database_url, ServerLog(log_path))


if __name__ == "__main__":
    raise SystemExit(main())
