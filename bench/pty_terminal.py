"""A real pseudo-terminal at 80x24: every byte the program writes is kept, timed and decoded.

"Painted" means the text is on the screen as pyte decodes the bytes. "Quiet" means no byte
for QUIET_SECONDS (300 ms): the burst of output after an action has ended.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import select
import signal
import struct
import subprocess
import termios
import threading
import time
from collections.abc import Mapping, Sequence

import pyte

QUIET_SECONDS = 0.3
TIMEOUT = 30.0


class TerminalTimeout(RuntimeError):
    pass


def _take_terminal() -> None:
    # Runs in the child after setsid(): make the pty its controlling terminal, like a real login.
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


class PtyTerminal:
    """Runs `command` on the slave side of a pty; a thread reads the master side."""

    def __init__(
        self,
        command: Sequence[str],
        env: Mapping[str, str],
        *,
        cols: int = 80,
        rows: int = 24,
        cwd: str | None = None,
    ) -> None:
        self.screen = pyte.Screen(cols, rows)
        self.stream = pyte.ByteStream(self.screen)
        self.total = 0
        self.last_byte_at = time.monotonic()
        self.first_byte_at: float | None = None
        self.last_sent_at = 0.0
        self.raw = bytearray()  # everything written, for finding out what a count consists of
        self._lock = threading.Lock()
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.master = master
        self.started_at = time.monotonic()
        self.process = subprocess.Popen(
            list(command),
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=dict(env),
            cwd=cwd,
            start_new_session=True,
            preexec_fn=_take_terminal,
            close_fds=True,
        )
        os.close(slave)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                ready, _, _ = select.select([self.master], [], [], 0.5)
                if not ready:
                    if self.process.poll() is not None:
                        return
                    continue
                data = os.read(self.master, 65536)
            except OSError:
                return
            if not data:
                return
            now = time.monotonic()
            with self._lock:
                self.total += len(data)
                self.raw += data
                self.last_byte_at = now
                if self.first_byte_at is None:
                    self.first_byte_at = now
                self.stream.feed(data)

    # --- reading the screen --------------------------------------------------------------------
    def text(self) -> str:
        with self._lock:
            return "\n".join(self.screen.display)

    def snapshot(self) -> tuple[object, ...]:
        """Characters with their colours and attributes, and the cursor: a focus change shows."""
        with self._lock:
            cells = tuple(
                tuple(row.items())
                for row in (self.screen.buffer[y] for y in range(self.screen.lines))
            )
            return (cells, self.screen.cursor.x, self.screen.cursor.y, self.screen.cursor.hidden)

    def wait_for(self, needle: str, timeout: float = TIMEOUT) -> float:
        """Wait until `needle` is on screen; return the monotonic time it was seen."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if needle in self.text():
                return time.monotonic()
            if self.process.poll() is not None and needle not in self.text():
                raise TerminalTimeout(f"program exited before {needle!r}:\n{self.text()}")
            time.sleep(0.002)  # polling the decoded screen, bounded by the deadline
        raise TerminalTimeout(f"{needle!r} never appeared in {timeout}s:\n{self.text()}")

    def wait_quiet(self, timeout: float = 10.0) -> None:
        """Wait until no byte has arrived (and no key was sent) for QUIET_SECONDS."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                idle = time.monotonic() - max(self.last_byte_at, self.last_sent_at)
            if idle >= QUIET_SECONDS:
                return
            time.sleep(0.01)
        raise TerminalTimeout(f"output never went quiet in {timeout}s")

    def bytes_after(self, action: bytes, *, wait_for: str | None = None) -> int:
        """Send `action`, wait for `wait_for` (if given) and quiet; the bytes written meanwhile."""
        self.wait_quiet()
        with self._lock:
            mark = self.total
        self.send(action)
        if wait_for is not None:
            self.wait_for(wait_for)
        self.wait_quiet()
        with self._lock:
            return self.total - mark

    def count_during(self, trigger: object, wait_for: str) -> int:
        """Bytes written while `trigger()` happens elsewhere and `wait_for` appears, until quiet."""
        self.wait_quiet()
        with self._lock:
            mark = self.total
        trigger()  # type: ignore[operator]
        self.wait_for(wait_for)
        self.wait_quiet()
        with self._lock:
            return self.total - mark

    # --- writing -------------------------------------------------------------------------------
    def send(self, data: bytes) -> None:
        """Write keys; the quiet window restarts here, so a program slow to answer is waited for."""
        with self._lock:
            self.last_sent_at = time.monotonic()
        os.write(self.master, data)

    def type(self, text: str) -> None:
        self.send(text.encode())

    def close(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)
        self._reader.join(timeout=2)
        with contextlib.suppress(OSError):
            os.close(self.master)

    def __enter__(self) -> PtyTerminal:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


KEYS = {
    "tab": b"\t",
    "enter": b"\r",
    "escape": b"\x1b",
    "right": b"\x1b[C",
    "left": b"\x1b[D",
    "up": b"\x1b[A",
    "down": b"\x1b[B",
    "ctrl+s": b"\x13",
    "ctrl+q": b"\x11",
}
