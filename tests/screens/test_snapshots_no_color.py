"""Under NO_COLOR the meaning is still in the words: low balance, the card chosen, unsaved work."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot

from tests.screens.conftest import MakeApp, fixed_owner
from tests.screens.snapshot_support import RunBefore, signed_in, typing
from tests.support.live_server import LiveServer
from tests.support.pilot import screen_text, settle
from tests.support.wait import wait_for_async

STEPS: dict[str, tuple[str | RunBefore, ...]] = {
    "dashboard_low_balance": (),
    "payment_saved_card": ("a", "enter"),
    # The other choice highlighted and the card form ticked to save: glyphs and markers differ.
    "payment_new_card_ticked": ("a", "enter", "down", "enter", "tab tab tab tab", "space"),
    "auto_recharge_unsaved": ("r", "space", "tab tab right right"),
    "auto_recharge_limits": ("r", "space", "tab tab tab tab tab 3 tab 5 0 0"),
    "add_credits": ("a",),
    # The contact starts as the (random) sign-in email: a fixed one in its place.
    "support": ("s", "shift+tab end ctrl+u", typing("ops@acme.test"), "tab"),
    "transactions": ("t",),
    "help": ("question_mark",),
    "transactions_usage": ("t", "f enter down down down enter"),
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


def test_no_color_sandbox_bank(
    snap_compare: Any, make_app: MakeApp, live_server: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sandbox bank's keys and the way out read in words."""
    monkeypatch.setenv("NO_COLOR", "1")
    owner = live_server.make_owner(4250, name="Acme Phones Ltd", card_number="4000002760003184")
    app = make_app(signed_in_as=owner, embedded=True)

    async def run_before(pilot: Pilot[Any]) -> None:
        await signed_in("a", "enter")(pilot)
        await pilot.press("ctrl+s")
        await wait_for_async(
            lambda: "Sandbox bank" in screen_text(pilot, "#action-url"), pilot=pilot
        )
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
