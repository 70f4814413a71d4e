"""With `ascii` on, every cell is ASCII: borders of + - |, check boxes, marks, the card's dots."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot

from tests.screens.conftest import MakeApp, fixed_owner
from tests.screens.snapshot_support import signed_in
from tests.support.live_server import LiveServer
from tests.support.pilot import settle
from tests.support.wait import wait_for_async

STEPS = {
    "dashboard": (),
    "add_credits": ("a",),
    "payment_saved_card": ("a", "enter"),
    "auto_recharge": ("r", "space"),
}


@pytest.mark.parametrize("state", list(STEPS))
def test_ascii(snap_compare: Any, make_app: MakeApp, live_server: LiveServer, state: str) -> None:
    app = make_app(signed_in_as=fixed_owner(live_server, balance=750), ascii_only=True)
    assert snap_compare(app, terminal_size=(80, 24), run_before=signed_in(*STEPS[state]))


def test_ascii_sign_in(snap_compare: Any, make_app: MakeApp) -> None:
    app = make_app(ascii_only=True)

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await wait_for_async(lambda: app.account_state.connection == "online", pilot=pilot)
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
