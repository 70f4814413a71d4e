"""ctrl+l repairs a terminal that shows something the app did not draw.

The app does not resend screen rows the terminal already shows
(widgets/textual_hooks/shown_rows.py), so a row garbled behind its back (line noise, a stray write
to the tty) stays until that row changes.
ctrl+l sends the whole screen again.
"""

from __future__ import annotations

import pytest

from tests.e2e.conftest import Home

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
