"""Under NO_COLOR the meaning is still in the words: low balance, the card chosen, unsaved work."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot

from tests.support.live_server import LiveServer
from tests.support.pilot import settle
from tests.support.wait import wait_for_async
from tests.ui.conftest import MakeApp, fixed_owner
from tests.ui.snapshot_support import signed_in

STEPS = {
    "dashboard_low_balance": (),
    "payment_saved_card": ("a", "enter"),
    "auto_recharge_unsaved": ("r", "space", "tab tab right right"),
}


@pytest.mark.parametrize("state", list(STEPS))
def test_no_color(
    snap_compare: Any,
    make_app: MakeApp,
    live_server: LiveServer,
    monkeypatch: pytest.MonkeyPatch,
    state: str,
) -> None:
    owner = fixed_owner(live_server, balance=750)
    monkeypatch.setenv("NO_COLOR", "1")  # read (and removed) by the App when it is created
    app = make_app(signed_in_as=owner)
    assert app.no_color
    assert snap_compare(app, terminal_size=(80, 24), run_before=signed_in(*STEPS[state]))


def test_no_color_sign_in(
    snap_compare: Any, make_app: MakeApp, live_server: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The field labels are the inputs' border titles: still there without colour."""
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app()

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await wait_for_async(lambda: app.account_state.connection == "online", pilot=pilot)
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
