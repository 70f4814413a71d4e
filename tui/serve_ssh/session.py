"""One SSH session channel: a terminal in, the app out. Shell requests start the app; exec and
subsystem requests are refused; a session without a pty is told to use `ssh -t`."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING

import asyncssh

from tui.serve_ssh.child import AppProcess

if TYPE_CHECKING:
    from credits_client.session_file import RememberedSession
    from tui.serve_ssh.server import Gateway

log = logging.getLogger("credits_tui.serve_ssh")

# What Textual turns on, turned off again, for an app that was killed before it could.
RESTORE_TERMINAL = (
    b"\x1b[?1049l\x1b[?25h\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?1015l"
    b"\x1b[?2004l\x1b[?1004l\x1b[0m\r\n"
)
# Variables a client may send (ssh's SendEnv / SetEnv) that the app honours.
CLIENT_VARIABLES = ("COLORTERM", "NO_COLOR")


class AppSession(asyncssh.SSHServerSession[bytes]):
    def __init__(self, gateway: Gateway, key_text: str | None) -> None:
        self._gateway = gateway
        self._key_text = key_text
        self._channel: asyncssh.SSHServerChannel[bytes] | None = None
        self._term: str | None = None
        self._size = (80, 24)
        self._app: AppProcess | None = None
        self._last_key = asyncio.get_running_loop().time()
        self._idle_timer: asyncio.TimerHandle | None = None
        self._ending = False
        self._gone = False  # the client closed the channel or the connection dropped
        self._task: asyncio.Task[None] | None = None
        self._ending_task: asyncio.Task[object] | None = None

    # --- what the client asks for -------------------------------------------------------------
    def connection_made(self, chan: asyncssh.SSHServerChannel[bytes]) -> None:
        self._channel = chan

    def pty_requested(
        self, term_type: str, term_size: tuple[int, int, int, int], term_modes: Mapping[int, int]
    ) -> bool:
        self._term = term_type or "xterm-256color"
        self._size = (term_size[0] or 80, term_size[1] or 24)
        return True

    def shell_requested(self) -> bool:
        return True

    def exec_requested(self, command: str) -> bool:
        log.info("refused an exec request")
        return False

    def subsystem_requested(self, subsystem: str) -> bool:
        log.info("refused a subsystem request (%s)", subsystem[:40])
        return False

    def break_received(self, msec: int) -> bool:
        return False

    def session_started(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run_logged())

    async def _run_logged(self) -> None:
        try:
            await self._run()
        except Exception:
            log.exception("a session failed")
            self._close("credits-tui could not start; try again in a moment.\r\n", 1)

    def data_received(self, data: bytes, datatype: asyncssh.DataType) -> None:
        self._last_key = asyncio.get_running_loop().time()
        if self._app is not None:
            self._app.write(data)

    def terminal_size_changed(self, width: int, height: int, pixwidth: int, pixheight: int) -> None:
        self._size = (width or self._size[0], height or self._size[1])
        if self._app is not None:
            self._app.resize(*self._size)

    def eof_received(self) -> bool:
        # Input is over (`ssh -T host < /dev/null`, say), the output is not: whatever the
        # session still says, it says, and the link closing ends it.
        return True

    def pause_writing(self) -> None:
        if self._app is not None:
            self._app.pause_reading()

    def resume_writing(self) -> None:
        if self._app is not None:
            self._app.resume_reading()

    def connection_lost(self, exc: Exception | None) -> None:
        self._gone = True
        self._hang_up()

    # --- the app ------------------------------------------------------------------------------
    async def _run(self) -> None:
        assert self._channel is not None
        if self._term is None:
            self._close("credits-tui needs a terminal: connect with ssh -t.\r\n", 1)
            return
        handed: RememberedSession | None = None
        if self._key_text is not None:
            handed = await self._gateway.service.session_for(self._key_text)
            if handed is None:  # the key was removed since the client proved it
                self._close("This key no longer signs anyone in.\r\n", 1)
                return
        user = handed.user.id if handed is not None else None
        if self._gone:
            return
        refused = self._gateway.hub.admit(self, user)
        if refused is not None:
            self._close(refused + "\r\n", 1)
            return
        try:
            await self._start_app(handed)
        finally:
            self._gateway.hub.leave(self)

    async def _start_app(self, handed: RememberedSession | None) -> None:
        from credits_client.session_handoff import encode

        self._app = AppProcess(self._write)
        env = self._gateway.app_environment(self._term or "xterm-256color")
        sent = self._channel.get_environment() if self._channel is not None else {}
        env.update({name: sent[name] for name in CLIENT_VARIABLES if name in sent})
        await self._app.start(
            self._gateway.app_command(),
            env,
            self._size,
            encode(handed) if handed is not None else None,
        )
        if self._gone:  # the link dropped while the app was starting
            self._hang_up()
        self._watch_idle()
        code = await self._app.exited
        if not self._ending:  # else `end` puts the terminal right and closes
            self._close("", code)

    def _write(self, data: bytes) -> None:
        if self._channel is not None and not self._channel.is_closing():
            self._channel.write(data)

    def _watch_idle(self) -> None:
        if self._ending:
            return
        loop = asyncio.get_running_loop()
        limit = self._gateway.options.idle_timeout
        quiet = loop.time() - self._last_key
        if quiet >= limit:
            minutes = max(1, round(limit / 60))
            notice = f"Ended after {minutes} min without a key pressed. Connect again any time."
            self._ending_task = loop.create_task(self.end(notice))
            return
        self._idle_timer = loop.call_later(limit - quiet, self._watch_idle)

    async def end(self, notice: str) -> None:
        """End the app (hang up, then kill), put the terminal right and say why."""
        if self._ending:
            return
        self._ending = True
        if self._idle_timer is not None:
            self._idle_timer.cancel()
        if self._app is not None:
            await self._app.end(self._gateway.options.grace)
        self._write(RESTORE_TERMINAL + notice.encode() + b"\r\n")
        self._close("", 0)

    def _hang_up(self) -> None:
        """The client went away: end the app; there is nobody left to tell."""
        if self._idle_timer is not None:
            self._idle_timer.cancel()
        if self._app is not None and not self._ending:
            self._ending = True
            app_end = self._app.end(self._gateway.options.grace)
            self._ending_task = asyncio.get_running_loop().create_task(app_end)

    def _close(self, message: str, code: int) -> None:
        channel = self._channel
        if channel is None or channel.is_closing():
            return
        if message:
            channel.write(message.encode())
        with contextlib.suppress(OSError):
            channel.exit(code)


def base_environment() -> dict[str, str]:
    """What every app gets from the server's own environment: paths and the XDG directories
    (so all apps share one embedded server), a UTF-8 locale; nothing secret."""
    keep = ("PATH", "HOME", "USER", "LOGNAME", "TZ", "LANG", "LC_ALL", "LC_CTYPE")
    env = {name: os.environ[name] for name in keep if name in os.environ}
    env.update({k: v for k, v in os.environ.items() if k.startswith(("XDG_", "CREDITS_TUI_"))})
    env.setdefault("LANG", "C.UTF-8")
    return env
