"""Driving the real `credits-tui` in a pty: start it against a server, sign in, reach a screen."""

from __future__ import annotations

from pathlib import Path

from bench.common import BIN, ROOT, isolated_env, workdir
from bench.pty_terminal import KEYS, PtyTerminal
from tests.support.live_server import Owner

LOGIN_TEXT = "Sign in to Credits"
ONLINE_TEXT = "(online)"
DASHBOARD_TEXT = "Recent transactions"


def start_app(api_url: str, label: str, home: Path | None = None) -> PtyTerminal:
    env = isolated_env(home or workdir(label))
    command = [str(BIN / "credits-tui"), "--api-url", api_url]
    return PtyTerminal(command, env, cwd=str(ROOT))


def sign_in(terminal: PtyTerminal, owner: Owner) -> None:
    """Type the email, tab, the password, enter; return once the dashboard is painted and quiet.
    Each step waits for quiet first: keys sent in one burst race the focus change."""
    terminal.wait_for(LOGIN_TEXT)
    terminal.wait_for(ONLINE_TEXT)
    terminal.wait_quiet()
    terminal.type(owner.email)
    terminal.wait_quiet()
    terminal.send(KEYS["tab"])
    terminal.wait_quiet()
    terminal.type(owner.password)
    terminal.wait_quiet()
    terminal.send(KEYS["enter"])
    terminal.wait_for(DASHBOARD_TEXT)
    terminal.wait_quiet()


def peak_rss_kib(pid: int) -> int:
    """VmHWM (peak resident set) of a live process, in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("no VmHWM")
