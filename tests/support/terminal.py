"""A real terminal for end-to-end tests: tmux runs the program; keys go in, the screen comes out."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from tests.support.wait import wait_for

# How long a test waits for text to appear before it fails; generous, as CI machines are shared.
DEFAULT_TIMEOUT = 30.0
SCREEN_POLL = 0.05  # seconds between reads of the pane while waiting (each read runs tmux)


class TerminalTimeout(AssertionError):
    """The text a test waited for never appeared; the message holds the screen as it was."""


def _credits_processes_evidence() -> str:
    listing = subprocess.run(
        ["ps", "-eo", "pid,ppid,stat,etime,args"], capture_output=True, text=True, check=False
    ).stdout
    rows = [row for row in listing.splitlines() if "credits" in row or "PID" in row]
    report = ["Processes:", *rows]
    spy = Path(sys.executable).parent / "py-spy"
    for row in rows:
        fields = row.split()
        if spy.exists() and fields and fields[0].isdigit() and "credits-tui" in row:
            dump = subprocess.run(
                [str(spy), "dump", "--pid", fields[0]],
                capture_output=True,
                text=True,
                check=False,
                timeout=30,
            )
            report += [f"py-spy dump of {fields[0]}:", dump.stdout or dump.stderr]
    return "\n".join(report)


class TmuxTerminal:
    """One tmux server (its own socket), one window of `width` x `height` running `command`."""

    def __init__(
        self,
        command: Sequence[str],
        *,
        env: Mapping[str, str] | None = None,
        width: int = 80,
        height: int = 24,
        cwd: Path | None = None,
    ) -> None:
        tmux = shutil.which("tmux")
        if tmux is None:
            raise RuntimeError("tmux is not installed: run the tests through scripts/test")
        self._tmux = tmux
        self.socket = f"credits-e2e-{uuid.uuid4().hex[:12]}"
        assignments = [f"{key}={value}" for key, value in (env or {}).items()]
        shell_command = shlex.join(["env", *assignments, *command])
        self._run(
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-s",
            "main",
            "-x",
            str(width),
            "-y",
            str(height),
            *(["-c", str(cwd)] if cwd else []),
            shell_command,
        )
        # Keep the pane after the program exits, so a test can read its last words.
        self._run("set-option", "-t", "main", "remain-on-exit", "on")
        self._last_screen = ""

    def _run(self, *args: str) -> str:
        result = subprocess.run(
            [self._tmux, "-L", self.socket, *args],
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        )
        return result.stdout

    def screen(self) -> str:
        """The visible screen, as plain text."""
        self._last_screen = self._run("capture-pane", "-p", "-t", "main")
        return self._last_screen

    def screen_with_attributes(self) -> str:
        """The visible screen with its colours and styles, as escape sequences."""
        return self._run("capture-pane", "-e", "-p", "-t", "main")

    def type(self, text: str) -> None:
        """Type literal text."""
        self._run("send-keys", "-t", "main", "-l", text)

    def press(self, *keys: str) -> None:
        """Press named keys, in tmux's names: Enter, Tab, Left, Right, C-s, Escape, ..."""
        self._run("send-keys", "-t", "main", *keys)

    def _until(self, condition: Callable[[], bool], timeout: float, failure: str) -> None:
        """Wait for `condition` (it reads the pane, so not too often); else fail with `failure`
        and the screen as it was last read."""
        try:
            wait_for(condition, within=timeout, every=SCREEN_POLL)
        except AssertionError:
            raise TerminalTimeout(f"{failure}. The screen was:\n{self._last_screen}") from None

    def wait_for(self, text: str, timeout: float = DEFAULT_TIMEOUT) -> str:
        """Wait until `text` is on the screen; return the screen."""
        self._until(lambda: text in self.screen(), timeout, f"{text!r} never appeared")
        return self._last_screen

    def wait_for_any(self, *texts: str, timeout: float = DEFAULT_TIMEOUT) -> str:
        """Wait until one of `texts` is on the screen; return which."""

        def shown() -> bool:
            screen = self.screen()
            return any(text in screen for text in texts)

        self._until(shown, timeout, f"none of {texts!r} appeared")
        return next(text for text in texts if text in self._last_screen)

    def settle(self, quiet: float = 0.25, timeout: float = DEFAULT_TIMEOUT) -> None:
        """Wait until the screen, colours included, has not changed for `quiet` seconds.

        A key that moves focus changes only colours; typing on before that is drawn can send the
        next keys to the old widget.
        """
        last = self._run("capture-pane", "-e", "-p", "-t", "main")
        stable_since = time.monotonic()

        def unchanged_for_a_while() -> bool:
            nonlocal last, stable_since
            now = self._run("capture-pane", "-e", "-p", "-t", "main")
            if now != last:
                last, stable_since = now, time.monotonic()
            return time.monotonic() - stable_since >= quiet

        self._until(unchanged_for_a_while, timeout, "the screen never settled")

    def wait_until_gone(self, text: str, timeout: float = DEFAULT_TIMEOUT) -> str:
        self._until(lambda: text not in self.screen(), timeout, f"{text!r} never went away")
        return self._last_screen

    def resize(self, width: int, height: int) -> None:
        """Resize the window, as a person dragging their terminal's corner."""
        self._run("resize-window", "-t", "main", "-x", str(width), "-y", str(height))

    def pane_pid(self) -> str:
        """The process id of the program in the pane (the program itself: tmux execs it)."""
        return self._run("display-message", "-p", "-t", "main", "#{pane_pid}").strip()

    def wait_for_exit(self, timeout: float = 60.0) -> None:
        """Wait until the program in the pane has exited. If it has not, fail with evidence:
        the credits processes still running and, for each live credits-tui, a py-spy dump."""
        try:
            wait_for(self.pane_dead, within=timeout, every=SCREEN_POLL)
        except AssertionError:
            raise TerminalTimeout(
                f"the program did not exit within {timeout:.0f} s. Screen:\n{self.screen()}\n"
                + _credits_processes_evidence()
            ) from None

    def pane_tty(self) -> str:
        """The pane's terminal device: what is written there shows behind the program's back."""
        return self._run("display-message", "-p", "-t", "main", "#{pane_tty}").strip()

    def record_output(self, path: Path) -> None:
        """From now on, append every byte the program writes to its terminal to `path`."""
        self._run("pipe-pane", "-t", "main", "-O", f"cat >> {shlex.quote(str(path))}")

    def pane_dead(self) -> bool:
        return self._run("display-message", "-p", "-t", "main", "#{pane_dead}").strip() == "1"

    def close(self) -> None:
        subprocess.run(
            [self._tmux, "-L", self.socket, "kill-server"], capture_output=True, check=False
        )
