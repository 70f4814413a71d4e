"""One app in its own pseudo-terminal: bytes in from the SSH channel, bytes out to it.

The app is the real `credits-tui`, started as the leader of a new session with the pty as its
controlling terminal, so window changes reach it as SIGWINCH and ending its process group ends
everything it started (the shared embedded server is a separate session, on purpose).
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import fcntl
import os
import signal
import struct
import sys
import termios
from collections.abc import Callable, Mapping, Sequence

# Runs in the child before the app: take the pty (stdin) as controlling terminal, then become
# the app. Python's subprocess has no switch for TIOCSCTTY.
_TAKE_TTY_THEN_EXEC = (
    "import fcntl, os, sys, termios; fcntl.ioctl(0, termios.TIOCSCTTY, 0); "
    "os.execv(sys.argv[1], sys.argv[1:])"
)
_READ_SIZE = 65536


def set_size(descriptor: int, columns: int, rows: int) -> None:
    size = struct.pack("HHHH", max(rows, 1), max(columns, 1), 0, 0)
    fcntl.ioctl(descriptor, termios.TIOCSWINSZ, size)


class AppProcess:
    """Start with `start`; `output` gets what the app writes; `exited` resolves to its code."""

    def __init__(self, output: Callable[[bytes], None]) -> None:
        self._output = output
        self._master = -1
        self._process: asyncio.subprocess.Process | None = None
        self._pending = bytearray()
        self._reading = False
        self.exited: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    async def start(
        self,
        argv: Sequence[str],
        env: Mapping[str, str],
        size: tuple[int, int],
        handed: bytes | None,
    ) -> None:
        master, slave = os.openpty()
        os.set_blocking(master, False)
        set_size(slave, *size)
        env = dict(env)
        pass_fds: tuple[int, ...] = ()
        reader = -1
        if handed is not None:
            reader, writer = os.pipe()
            try:
                os.write(writer, handed)  # far below a pipe's buffer: never blocks
            finally:
                os.close(writer)
            pass_fds = (reader,)
            env["CREDITS_TUI_SESSION_FD"] = str(reader)
        else:
            env["CREDITS_TUI_SESSION_FD"] = "none"
        try:
            self._process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-I",
                "-S",
                "-c",
                _TAKE_TTY_THEN_EXEC,
                *argv,
                stdin=slave,
                stdout=slave,
                stderr=slave,
                env=env,
                pass_fds=pass_fds,
                start_new_session=True,
            )
        finally:
            os.close(slave)
            if reader >= 0:
                os.close(reader)
        self._master = master
        self.resume_reading()
        asyncio.get_running_loop().create_task(self._wait())

    async def _wait(self) -> None:
        assert self._process is not None
        code = await self._process.wait()
        self._kill_group(signal.SIGKILL)  # anything it left in its group goes with it
        self._drain()
        self.pause_reading()
        if self._master >= 0:
            os.close(self._master)
            self._master = -1
        if not self.exited.done():
            self.exited.set_result(code)

    def _drain(self) -> None:
        """What the app wrote just before it ended (its last words) still goes out."""
        with contextlib.suppress(OSError):
            while self._master >= 0 and (data := os.read(self._master, _READ_SIZE)):
                self._output(data)

    # --- bytes both ways ----------------------------------------------------------------------
    def _readable(self) -> None:
        try:
            data = os.read(self._master, _READ_SIZE)
        except BlockingIOError:
            return
        except OSError as error:  # EIO: the app and everything holding the pty are gone
            if error.errno == errno.EIO:
                self.pause_reading()
            return
        if data:
            self._output(data)
        else:
            self.pause_reading()

    def pause_reading(self) -> None:
        """The SSH channel's buffer is full: stop reading until it drains (the app then blocks)."""
        if self._reading and self._master >= 0:
            asyncio.get_running_loop().remove_reader(self._master)
        self._reading = False

    def resume_reading(self) -> None:
        if not self._reading and self._master >= 0:
            asyncio.get_running_loop().add_reader(self._master, self._readable)
            self._reading = True

    def write(self, data: bytes) -> None:
        if self._master < 0:
            return
        self._pending += data
        self._flush()

    def _flush(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            written = os.write(self._master, self._pending)
        except BlockingIOError:
            written = 0
        except OSError:
            self._pending.clear()
            written = 0
        del self._pending[:written]
        if self._pending:
            loop.add_writer(self._master, self._flush_when_writable)

    def _flush_when_writable(self) -> None:
        asyncio.get_running_loop().remove_writer(self._master)
        self._flush()

    def resize(self, columns: int, rows: int) -> None:
        """The pty's new size; the kernel sends the app SIGWINCH."""
        if self._master >= 0:
            set_size(self._master, columns, rows)

    # --- ending -------------------------------------------------------------------------------
    def _kill_group(self, sig: signal.Signals) -> None:
        if self._process is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self._process.pid, sig)

    async def end(self, grace: float) -> int:
        """Hang up on the app as a closed terminal would, then kill it if it lingers."""
        if self._process is None:
            return 0
        if not self.exited.done():
            self._kill_group(signal.SIGHUP)
            try:
                await asyncio.wait_for(asyncio.shield(self.exited), grace)
            except TimeoutError:
                self._kill_group(signal.SIGKILL)
        return await self.exited
