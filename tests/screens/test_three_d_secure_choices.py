"""3-D Secure, by keys: on the embedded server the person answers as the sandbox's bank in the
app (its links open nowhere); anywhere, they may stop waiting and hear of the outcome later."""

from __future__ import annotations

import httpx
from textual.pilot import Pilot

from tests.screens.conftest import MakeApp
from tests.screens.test_payment_link_one_line import waiting_topup
from tests.support.live_server import LiveServer, Owner
from tests.support.pilot import on_dashboard, screen_rows, screen_text, settle
from tests.support.wait import wait_for_async
from tui.app import CreditsApp

THREE_D_SECURE_CARD = "4000002760003184"  # the sandbox asks for 3-D Secure on every charge


async def pay_into_3d_secure(pilot: Pilot[None]) -> None:
    await on_dashboard(pilot)
    await pilot.press("a", "enter")  # the usual preset, $50.00, on the saved card
    await settle(pilot)
    await pilot.press("ctrl+s")
    await wait_for_async(lambda: "confirm" in screen_text(pilot, "#action-text"), pilot=pilot)
    await pilot.pause()


def balance(app: CreditsApp) -> int | None:
    account = app.account_state.account
    return account.balance if account is not None else None


async def test_on_the_embedded_server_the_app_is_the_sandbox_bank(
    make_app: MakeApp, live_server: LiveServer
) -> None:
    from screens.dashboard import DashboardScreen

    owner = live_server.make_owner(balance=1000, card_number=THREE_D_SECURE_CARD)
    app = make_app(signed_in_as=owner, embedded=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pay_into_3d_secure(pilot)
        text = "\n".join(screen_rows(pilot))
        assert "Sandbox bank" in text
        assert "/sandbox/authenticate/" not in text  # no link nothing could open
        assert "▀" not in text  # nor its QR code
        assert "Approve (sandbox)" in text  # the keys, in the footer
        await pilot.press("y")
        await wait_for_async(lambda: isinstance(app.screen, DashboardScreen), pilot=pilot)
        await wait_for_async(lambda: balance(app) == 1000 + 5000, pilot=pilot)
    assert live_server.balance(owner.account_id) == 6000


async def test_declining_as_the_sandbox_bank_charges_nothing(
    make_app: MakeApp, live_server: LiveServer
) -> None:
    owner = live_server.make_owner(balance=1000, card_number=THREE_D_SECURE_CARD)
    app = make_app(signed_in_as=owner, embedded=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pay_into_3d_secure(pilot)
        await pilot.press("n")
        await wait_for_async(lambda: "declined" in screen_text(pilot, "#pay-message"), pilot=pilot)
        message = screen_text(pilot, "#pay-message")
        assert "The bank did not confirm the payment." in message
        # The bank's keys leave the footer with the bank's question (the footer redraws next).
        await wait_for_async(
            lambda: "Approve (sandbox)" not in "\n".join(screen_rows(pilot)), pilot=pilot
        )
    assert live_server.balance(owner.account_id) == 1000


async def test_stop_waiting_leaves_the_payment_to_the_bank_and_tells_its_outcome(
    make_app: MakeApp, live_server: LiveServer
) -> None:
    from screens.dashboard import DashboardScreen

    owner = live_server.make_owner(balance=1000, card_number=THREE_D_SECURE_CARD)
    app = make_app(signed_in_as=owner)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pay_into_3d_secure(pilot)
        assert "Approve (sandbox)" not in "\n".join(screen_rows(pilot))  # a bank page
        await pilot.press("escape")
        await wait_for_async(lambda: isinstance(app.screen, DashboardScreen), pilot=pilot)
        assert balance(app) == 1000  # nothing yet: the bank has not answered
        await confirm_at_the_bank(live_server, owner)
        await wait_for_async(lambda: balance(app) == 6000, pilot=pilot)
        # The bank's answer, told in words on the screen the person is on now.
        await wait_for_async(
            lambda: any("Payment done" in row for row in screen_rows(pilot)), pilot=pilot
        )


async def confirm_at_the_bank(live_server: LiveServer, owner: Owner) -> None:
    url = f"{live_server.url}/sandbox/authenticate/{waiting_topup(live_server, owner)}"
    async with httpx.AsyncClient() as http:
        answer = await http.post(url, params={"result": "approve"})
    answer.raise_for_status()
