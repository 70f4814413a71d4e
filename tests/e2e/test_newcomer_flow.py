"""A newcomer's first session in a real 80x24 terminal: sign in, add $50, set auto-recharge.

Keys only, through the installed `credits-tui` on its embedded server; what the screen says is
checked against the server's ledger through the API.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.e2e.conftest import Home
from tests.e2e.flow import (
    Api,
    dollars,
    open_payment_for_50_with_a_new_card,
    pay,
    raise_threshold_three_steps_and_save,
    sign_in,
)
from tests.support.terminal import TmuxTerminal

pytestmark = pytest.mark.e2e


def test_add_50_then_set_auto_recharge_and_see_it_after_a_restart(home: Home) -> None:
    newcomer_session(home, home.terminal)


def newcomer_session(home: Home, launch: Callable[[], TmuxTerminal]) -> None:
    """The whole first session, then a second start; `launch` opens credits-tui in a terminal."""
    terminal = launch()
    try:
        sign_in(terminal)
        api = Api(home.runtime_dir / "server.sock")
        before = api.get("/v1/account")["balance"]
        settings_before = api.get("/v1/auto-recharge")

        open_payment_for_50_with_a_new_card(terminal)
        shown = pay(terminal)
        assert shown == before + 5000
        account = api.get("/v1/account")
        assert account["balance"] == before + 5000
        newest = api.get("/v1/account/transactions?limit=1")["data"][0]
        assert (newest["kind"], newest["amount"]) == ("topup", 5000)
        assert newest["balance_after"] == before + 5000

        raise_threshold_three_steps_and_save(terminal)
        threshold = settings_before["threshold"] + 3 * settings_before["bounds"]["step"]
        saved = api.get("/v1/auto-recharge")
        assert saved["enabled"] is True
        assert saved["threshold"] == threshold
        api.close()

        terminal.press("Escape")
        terminal.wait_for("Recent transactions")
        terminal.type("q")
        terminal.wait_for_exit()
    finally:
        terminal.close()
    home.wait_until_no_server()

    again = launch()
    try:
        if again.wait_for_any("Recent transactions", "Sign in to Credits") != "Recent transactions":
            sign_in(again)
        again.type("r")
        screen = again.wait_for(f"When your balance falls below {dollars(threshold)}")
        assert "Unsaved changes" not in screen
    finally:
        again.close()
