"""The embedded local server: what `credits-tui` talks to when no `api_url` is configured.

The app does not own the server process. A small supervisor (`credits_client.embedded_supervisor`),
detached from the terminal, runs `credits-server` on a Unix socket in a private runtime directory.
Every app holds a shared lock on `users.lock` for as long as it runs; the kernel drops that lock
however the app ends (exit, crash, SIGKILL, the SSH link dropping), and the supervisor stops the
server as soon as no app holds it. So two apps of one user with one data directory share one
server, and none leaves an orphan behind; another data directory (another HOME, or `data_dir`)
has a runtime directory, and so a server, of its own.

Supervisor and server run as `python -P -m ...` in the runtime directory: a person's folder holding
a `credits_server.py` (or `uvicorn.py`) is neither their working directory nor on their path.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import socket
import stat
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

APP_NAME = "credits-tui"
SOCKET_NAME = "server.sock"
USERS_LOCK = "users.lock"
LAUNCH_LOCK = "launch.lock"
SUPERVISOR_LOCK = "supervisor.lock"
LOG_NAME = "credits_server.log"
# AF_UNIX paths are limited to 108 bytes on Linux; keep a margin.
_MAX_SOCKET_PATH = 100


class EmbeddedServerError(RuntimeError):
    """The embedded server could not be prepared; the message says why, for a person."""


def runtime_dir(database_dir: Path, environ: Mapping[str, str] | None = None) -> Path:
    """The private directory for the socket and locks of the server of `database_dir`:
    $XDG_RUNTIME_DIR/credits-tui/KEY, else /tmp/credits-tui-UID/KEY. KEY is a short hash of the
    resolved data directory, so the path stays short enough for a Unix socket."""
    env = os.environ if environ is None else environ
    key = hashlib.sha256(str(database_dir.expanduser().resolve()).encode()).hexdigest()[:12]
    base = env.get("XDG_RUNTIME_DIR")
    if base:
        return Path(base) / APP_NAME / key
    return Path("/tmp") / f"{APP_NAME}-{os.getuid()}" / key  # noqa: S108 - checked: ours, 0700


def data_dir() -> Path:
    """Where the embedded server keeps its database: the XDG data dir."""
    from platformdirs import user_data_dir  # deferred: only the embedded path needs it

    return Path(user_data_dir(APP_NAME, appauthor=False))


def ensure_private_dir(path: Path) -> Path:
    """Create `path` as 0700 and refuse one that another user owns or others can enter."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = path.lstat()
    if stat.S_ISLNK(info.st_mode) or not stat.S_ISDIR(info.st_mode):
        raise EmbeddedServerError(f"{path} is not a directory; remove it and start again.")
    if info.st_uid != os.getuid():
        raise EmbeddedServerError(f"{path} belongs to another user; refusing to use it.")
    if stat.S_IMODE(info.st_mode) & 0o077:
        path.chmod(0o700)
    return path


def socket_alive(path: Path) -> bool:
    """True when something accepts connections on the Unix socket at `path`."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
        try:
            probe.connect(str(path))
        except OSError:
            return False
    return True


@dataclass
class EmbeddedServer:
    """The app's handle on the shared embedded server. `start()` returns quickly: the server may
    still be starting when it returns, and the store keeps trying until it answers."""

    database_dir: Path = field(default_factory=data_dir)
    directory: Path = field(init=False)
    """The runtime directory of `database_dir` (see `runtime_dir`)."""
    _users_lock: IO[bytes] | None = None

    def __post_init__(self) -> None:
        # Absolute: the supervisor and the server run in the runtime directory, not in ours.
        self.database_dir = self.database_dir.expanduser().resolve()
        self.directory = runtime_dir(self.database_dir)

    @property
    def socket_path(self) -> Path:
        return self.directory / SOCKET_NAME

    @property
    def database_url(self) -> str:
        return f"sqlite+aiosqlite:///{self.database_dir / 'credits.db'}"

    def start(self) -> Path:
        if len(str(self.socket_path)) > _MAX_SOCKET_PATH:
            raise EmbeddedServerError(f"The path {self.directory} is too long for a socket.")
        ensure_private_dir(self.directory.parent)
        ensure_private_dir(self.directory)
        ensure_private_dir(self.database_dir)
        # Held until this process ends: while any app holds it, the supervisor keeps the server up.
        self._users_lock = (self.directory / USERS_LOCK).open("ab")
        fcntl.flock(self._users_lock, fcntl.LOCK_SH)
        with (self.directory / LAUNCH_LOCK).open("ab") as launch:
            fcntl.flock(launch, fcntl.LOCK_EX)
            if not self._supervisor_running():
                self._spawn_supervisor()
        return self.socket_path

    def close(self) -> None:
        """Let go of the server; the supervisor stops it when no other app uses it."""
        if self._users_lock is not None:
            self._users_lock.close()
            self._users_lock = None

    def _supervisor_running(self) -> bool:
        with (self.directory / SUPERVISOR_LOCK).open("ab") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            fcntl.flock(lock, fcntl.LOCK_UN)
            return False

    def _spawn_supervisor(self) -> None:
        log_path = self.database_dir / LOG_NAME
        with log_path.open("ab") as log:
            os.chmod(log_path, 0o600)
            child = subprocess.Popen(  # noqa: S603 - our own interpreter and module
                [
                    sys.executable,
                    "-P",  # not the working directory first on the path: it is the person's
                    "-m",
                    "credits_client.embedded_supervisor",
                    str(self.directory),
                    self.database_url,
                    str(log_path),
                ],
                cwd=self.directory,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=log,
                start_new_session=True,  # no controlling terminal: a hangup is not its business
                close_fds=True,
            )
        assert child.stdout is not None
        # One byte once it holds its lock, so a second app starting now cannot spawn another.
        ready = child.stdout.read(1)
        child.stdout.close()
        if ready != b"1":
            raise EmbeddedServerError(f"The embedded server did not start; see {log_path}.")
