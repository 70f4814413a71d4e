"""The network goes down in the middle of paying with a new card: the screen says so, what was
typed stays, and paying again once it is back charges once."""

from __future__ import annotations

from textual.widgets import Input

from tests.screens.conftest import MakeApp
from tests.support.faults import FaultyLink
from tests.support.live_server import LiveServer
from tests.support.pilot import (
    back_on_dashboard,
    open_payment,
    run_on_dashboard,
    screen_text,
    settle,
    type_card,
)
from tests.support.wait import wait_for_async


async def test_network_down_while_paying_keeps_the_form_then_pays_once(
    make_app: MakeApp, live_server: LiveServer
) -> None:
    from screens.payment import PaymentScreen

    owner = live_server.make_owner(balance=1000, with_card=False)
    transport = FaultyLink()
    app = make_app(transport=transport, signed_in_as=owner, connect_timeout=1.0)
    async with run_on_dashboard(app) as pilot:
        await open_payment(pilot, "3")
        await type_card(pilot, "4242424242424242")
        transport.down = True
        await pilot.press("ctrl+s")
        await wait_for_async(
            lambda: app.account_state.connection != "online", within=60, pilot=pilot
        )
        await wait_for_async(lambda: not app.account_state.busy("top_up"), within=60, pilot=pilot)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PaymentScreen)
        # The payment screen says so in its message line (the dashboard's banner: snapshots).
        assert "cannot be reached" in screen_text(pilot, "#pay-message")
        assert screen.query_one("#number", Input).value == "4242 4242 4242 4242"
        assert screen.query_one("#expiry", Input).value == "12/30"
        assert screen.query_one("#name", Input).value == "Ada"
        transport.down = False
        await wait_for_async(
            lambda: app.account_state.connection == "online", within=30, pilot=pilot
        )
        await pilot.press("ctrl+s")
        await back_on_dashboard(pilot, "$60.00", within=30)
    assert live_server.balance(owner.account_id) == 6000
    assert live_server.charge_count(owner.account_id) == 1
