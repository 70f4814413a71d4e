"""Server events reach the screen: an auto-recharge made by the server shows up on its own."""

from __future__ import annotations

from textual.widgets import Static

from tests.screens.conftest import MakeApp
from tests.screens.snapshot_support import turn_auto_recharge_on
from tests.support.live_server import LiveServer
from tests.support.pilot import on_dashboard, screen_text
from tests.support.wait import wait_for_async


def toasts(app: object) -> str:
    """The text of the notifications on screen, as the user reads them."""
    screen = getattr(app, "screen")  # noqa: B009
    return " ".join(str(toast.render()) for toast in screen.query("Toast").results(Static))


async def test_an_auto_recharge_appears_without_a_key_press(
    make_app: MakeApp, live_server: LiveServer
) -> None:
    owner = live_server.make_owner(balance=1200)
    app = make_app(signed_in_as=owner)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await on_dashboard(pilot)
        assert screen_text(pilot, "#balance") == "$12.00"
        # Another device turns auto-recharge on above the balance: the server recharges at once.
        turn_auto_recharge_on(live_server, owner, threshold=2000, amount=5000)
        await wait_for_async(lambda: screen_text(pilot, "#balance") == "$62.00", pilot=pilot)
        await wait_for_async(lambda: "Added $50.00 automatically" in toasts(app), pilot=pilot)
        await wait_for_async(
            lambda: screen_text(pilot, "#recharge-summary").startswith("On:"), pilot=pilot
        )
    assert live_server.balance(owner.account_id) == 6200
