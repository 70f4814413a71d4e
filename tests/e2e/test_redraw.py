"""What the app redraws in a real terminal: only what changed, and everything on ctrl+l.

The app does not resend what the terminal already shows (widgets/textual_hooks/shown_rows.py),
so a row garbled behind its back (line noise, a stray write to the tty) stays until that row
changes. ctrl+l sends the whole screen again.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import Home, credits_tui_executable
from tests.support.live_server import LiveServer
from tests.support.terminal import TmuxTerminal
from tests.support.wait import wait_for

pytestmark = pytest.mark.e2e


def test_ctrl_l_redraws_a_garbled_screen(home: Home) -> None:
    terminal = home.terminal()
    try:
        terminal.wait_for("demo@example.com / demo-password")
        terminal.settle()
        # A full repaint now leaves the app sure of every row, so none would be sent again.
        terminal.press("C-l")
        terminal.settle()
        with open(terminal.pane_tty(), "w") as tty:
            tty.write("\x1b[4;12HGARBLED-LINE-NOISE\x1b[12;3HGARBLED-AGAIN")
        terminal.wait_for("GARBLED-LINE-NOISE")

        terminal.press("C-l")

        screen = terminal.wait_until_gone("GARBLED")
        assert "Sign in to Credits" in screen
        assert "Email" in screen
        assert "Password" in screen
        assert "demo@example.com / demo-password" in screen
    finally:
        terminal.close()
    home.wait_until_no_server()


def _credit(account_id: str) -> Callable[[Any], Awaitable[None]]:
    """One cent onto the account and its balance.updated event, by the server's own code, in one
    transaction: the app hears it on its event stream, as it would a top-up elsewhere."""

    async def action(ctx: Any) -> None:
        from credits_server.ledger import post
        from credits_server.services.events import emit_balance

        async with ctx.db.write() as session:
            await post(session, account_id, kind="adjustment", amount=1, description="Bonus")
            await emit_balance(session, account_id)

    return action


def test_a_balance_update_sends_the_terminal_at_most_1_kb(
    home: Home, live_server: LiveServer
) -> None:
    # What a balance update costs over SSH: the new amount, the trend's caption, the new row
    # of recent transactions and the row it pushed down; not the chart, borders or empty rows.
    owner = live_server.make_owner(balance=5000)
    env = {**home.env, "COLORTERM": "truecolor"}  # the longest colour codes
    terminal = TmuxTerminal([credits_tui_executable(), "--api-url", live_server.url], env=env)
    output = home.root / "output.bytes"
    try:
        terminal.wait_for("(online)")
        terminal.settle()
        terminal.type(owner.email)
        terminal.settle()
        terminal.press("Tab")
        terminal.settle()
        terminal.type(owner.password)
        terminal.press("Enter")
        terminal.wait_for("Last 30 days: from")
        terminal.settle(quiet=0.5)
        terminal.record_output(output)
        before = _quiet_size(output)

        live_server.run(_credit(owner.account_id))

        screen = terminal.wait_for("Bonus")
        terminal.settle()
        sent = _quiet_size(output) - before
        assert "to $50.01" in screen
        assert sent <= 1024, f"{sent} bytes for one balance update"
    finally:
        terminal.close()


def _quiet_size(path: Path) -> int:
    """The size of `path` once no byte has been added for 0.3 s."""
    sizes: list[tuple[float, int]] = []

    def quiet() -> bool:
        size = path.stat().st_size if path.exists() else 0
        now = time.monotonic()
        if not sizes or sizes[-1][1] != size:
            sizes.append((now, size))
        return now - sizes[-1][0] >= 0.3

    wait_for(quiet, within=10, every=0.05)
    return sizes[-1][1]
