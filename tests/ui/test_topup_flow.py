"""Adding credits with the keyboard alone, against the real server: the balance moves for real."""

from __future__ import annotations

from tests.support.live_server import LiveServer
from tests.ui.conftest import MakeApp
from tests.ui.helpers import on_dashboard, screen_text, settle, sign_in, type_text, wait_for


async def test_fifty_dollars_with_the_saved_card(
    make_app: MakeApp, live_server: LiveServer
) -> None:
    from screens.dashboard import DashboardScreen
    from screens.payment import PaymentScreen

    owner = live_server.make_owner(balance=5000)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, owner)
        assert screen_text(pilot, "#balance") == "$50.00"
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("left", "right", "enter")  # to $25 and back to $50; enter picks it
        await wait_for(pilot, lambda: isinstance(app.screen, PaymentScreen))
        await settle(pilot)
        assert "Pay $50.00" in str(app.screen.query_one("#pay").label)
        assert "Visa •••• 4242" in screen_text(pilot, "#paying-with")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen))
        await wait_for(pilot, lambda: screen_text(pilot, "#balance") == "$100.00")
    assert live_server.balance(owner.account_id) == 10000


async def test_fifty_dollars_with_a_new_card(make_app: MakeApp, live_server: LiveServer) -> None:
    from screens.dashboard import DashboardScreen
    from screens.payment import PaymentScreen

    owner = live_server.make_owner(balance=1000, with_card=False)
    app = make_app(signed_in_as=owner)
    async with app.run_test(size=(80, 24)) as pilot:
        await on_dashboard(pilot)
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("3")
        await wait_for(pilot, lambda: isinstance(app.screen, PaymentScreen))
        await settle(pilot)
        # No saved card: the form is open on the number field.
        await type_text(pilot, "4242424242424242")
        assert screen_text(pilot, "#brand") == "Visa"
        await pilot.press("tab")
        await type_text(pilot, "1230")
        await pilot.press("tab")
        await type_text(pilot, "123")
        await pilot.press("tab")
        await type_text(pilot, "Ada")
        await pilot.press("tab", "space")  # "Save this card for auto-recharge"
        assert "will be saved" in screen_text(pilot, "#paying-with")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen))
        await wait_for(pilot, lambda: screen_text(pilot, "#balance") == "$60.00")
        await wait_for(pilot, lambda: "Visa •••• 4242" in screen_text(pilot, "#card-on-file"))
    assert live_server.balance(owner.account_id) == 6000


async def test_a_declined_card_keeps_the_form_but_the_cvc(
    make_app: MakeApp, live_server: LiveServer
) -> None:
    from screens.payment import PaymentScreen

    owner = live_server.make_owner(balance=1000, with_card=False)
    app = make_app(signed_in_as=owner)
    async with app.run_test(size=(80, 24)) as pilot:
        await on_dashboard(pilot)
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("3")
        await wait_for(pilot, lambda: isinstance(app.screen, PaymentScreen))
        await settle(pilot)
        await type_text(pilot, "4000000000000002")
        await pilot.press("tab")
        await type_text(pilot, "1230")
        await pilot.press("tab")
        await type_text(pilot, "123")
        await pilot.press("tab")
        await type_text(pilot, "Ada")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "declined" in screen_text(pilot, "#pay-message"))
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PaymentScreen)
        assert screen.query_one("#number").value == "4000 0000 0000 0002"
        assert screen.query_one("#expiry").value == "12/30"
        assert screen.query_one("#name").value == "Ada"
        assert screen.query_one("#cvc").value == ""
        assert not screen.query_one("#pay").disabled
    assert live_server.balance(owner.account_id) == 1000
