"""Adding credits with the keyboard alone, against the real server: the balance moves for real."""

from __future__ import annotations

from tests.screens.conftest import MakeApp
from tests.support.live_server import LiveServer
from tests.support.pilot import (
    back_on_dashboard,
    open_payment,
    run_on_dashboard,
    screen_text,
    settle,
    sign_in,
    type_card,
)
from tests.support.wait import wait_for_async


async def test_fifty_dollars_with_the_saved_card(
    make_app: MakeApp, live_server: LiveServer
) -> None:
    owner = live_server.make_owner(balance=5000)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, owner)
        assert screen_text(pilot, "#balance") == "$50.00"
        await open_payment(pilot, "left", "right", "enter")  # to $25, back to $50; enter picks it
        assert "Pay $50.00" in str(app.screen.query_one("#pay").label)
        assert "Visa •••• 4242" in screen_text(pilot, "#paying-with")
        await pilot.press("ctrl+s")
        await back_on_dashboard(pilot, "$100.00")
    assert live_server.balance(owner.account_id) == 10000


async def test_fifty_dollars_with_a_new_card(make_app: MakeApp, live_server: LiveServer) -> None:
    owner = live_server.make_owner(balance=1000, with_card=False)
    app = make_app(signed_in_as=owner)
    async with run_on_dashboard(app) as pilot:
        await open_payment(pilot, "3")
        # No saved card: the form is open on the number field.
        await type_card(pilot, "4242424242424242", save=True)
        assert screen_text(pilot, "#brand") == "Visa"
        assert "will be saved" in screen_text(pilot, "#paying-with")
        await pilot.press("ctrl+s")
        await back_on_dashboard(pilot, "$60.00")
        await wait_for_async(
            lambda: "Visa •••• 4242" in screen_text(pilot, "#card-on-file"), pilot=pilot
        )
    assert live_server.balance(owner.account_id) == 6000


async def test_a_declined_card_keeps_the_form_but_the_cvc(
    make_app: MakeApp, live_server: LiveServer
) -> None:
    from screens.payment import PaymentScreen

    owner = live_server.make_owner(balance=1000, with_card=False)
    app = make_app(signed_in_as=owner)
    async with run_on_dashboard(app) as pilot:
        await open_payment(pilot, "3")
        await type_card(pilot, "4000000000000002")
        await pilot.press("ctrl+s")
        await wait_for_async(lambda: "declined" in screen_text(pilot, "#pay-message"), pilot=pilot)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PaymentScreen)
        assert screen.query_one("#number").value == "4000 0000 0000 0002"
        assert screen.query_one("#expiry").value == "12/30"
        assert screen.query_one("#name").value == "Ada"
        assert screen.query_one("#cvc").value == ""
        assert not screen.query_one("#pay").disabled
    assert live_server.balance(owner.account_id) == 1000
