"""A real terminal for end-to-end tests: tmux runs the program; keys go in, the screen comes out."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path

# How long a test waits for text to appear before it fails; generous, as CI machines are shared.
DEFAULT_TIMEOUT = 30.0


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
        return self._run("capture-pane", "-p", "-t", "main")

    def type(self, text: str) -> None:
        """Type literal text."""
        self._run("send-keys", "-t", "main", "-l", text)

    def press(self, *keys: str) -> None:
        """Press named keys, in tmux's names: Enter, Tab, Left, Right, C-s, Escape, ..."""
        self._run("send-keys", "-t", "main", *keys)

    def wait_for(self, text: str, timeout: float = DEFAULT_TIMEOUT) -> str:
        """Wait until `text` is on the screen; return the screen."""
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.05)  # a poll interval while waiting for a condition, not synchronisation
        raise TerminalTimeout(f"{text!r} never appeared. The screen was:\n{screen}")

    def wait_for_any(self, *texts: str, timeout: float = DEFAULT_TIMEOUT) -> str:
        """Wait until one of `texts` is on the screen; return which."""
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            for text in texts:
                if text in screen:
                    return text
            time.sleep(0.05)
        raise TerminalTimeout(f"none of {texts!r} appeared. The screen was:\n{screen}")

    def settle(self, quiet: float = 0.25, timeout: float = DEFAULT_TIMEOUT) -> None:
        """Wait until the screen, colours included, has not changed for `quiet` seconds.

        A key that moves focus changes only colours; typing on before that is drawn can send the
        next keys to the old widget.
        """
        deadline = time.monotonic() + timeout
        last = self._run("capture-pane", "-e", "-p", "-t", "main")
        stable_since = time.monotonic()
        while time.monotonic() < deadline:
            time.sleep(0.05)
            now = self._run("capture-pane", "-e", "-p", "-t", "main")
            if now != last:
                last, stable_since = now, time.monotonic()
            elif time.monotonic() - stable_since >= quiet:
                return
        raise TerminalTimeout("the screen never settled")

    def wait_until_gone(self, text: str, timeout: float = DEFAULT_TIMEOUT) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if text not in screen:
                return screen
            time.sleep(0.05)
        raise TerminalTimeout(f"{text!r} never went away. The screen was:\n{screen}")

    def pane_pid(self) -> str:
        """The process id of the program in the pane (the program itself: tmux execs it)."""
        return self._run("display-message", "-p", "-t", "main", "#{pane_pid}").strip()

    def wait_for_exit(self, timeout: float = 60.0) -> None:
        """Wait until the program in the pane has exited. If it has not, fail with evidence:
        the credits processes still running and, for each live credits-tui, a py-spy dump."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.pane_dead():
                return
            time.sleep(0.05)
        raise TerminalTimeout(
            f"the program did not exit within {timeout:.0f} s. Screen:\n{self.screen()}\n"
            + _credits_processes_evidence()
        )

    def pane_tty(self) -> str:
        """The pane's terminal device: what is written there shows behind the program's back."""
        return self._run("display-message", "-p", "-t", "main", "#{pane_tty}").strip()

    def pane_dead(self) -> bool:
        return self._run("display-message", "-p", "-t", "main", "#{pane_dead}").strip() == "1"

    def close(self) -> None:
        subprocess.run(
            [self._tmux, "-L", self.socket, "kill-server"], capture_output=True, check=False
        )
