"""The card-testing limit as a person meets it: the 11th payment in a minute says to wait,
with the wait from the server, and charges nothing."""

from __future__ import annotations

import uuid

import httpx

from tests.screens.conftest import MakeApp
from tests.support.live_server import LiveServer
from tests.support.pilot import open_payment, run_on_dashboard, screen_text, settle
from tests.support.wait import wait_for_async


async def test_the_eleventh_payment_in_a_minute_says_to_wait(
    make_app: MakeApp, limited_server: LiveServer
) -> None:
    from screens.payment import PaymentScreen

    owner = limited_server.make_owner(balance=5000)
    async with httpx.AsyncClient(base_url=limited_server.url, headers=owner.headers) as client:
        for _ in range(10):
            paid = await client.post(
                "/v1/topups",
                json={"amount": 1000, "payment_method_id": owner.payment_method_id},
                headers={"Idempotency-Key": uuid.uuid4().hex},
            )
            assert paid.status_code == 201
    app = make_app(url=limited_server.url, signed_in_as=owner)
    async with run_on_dashboard(app) as pilot:
        await open_payment(pilot, "enter")  # the preset under the cursor
        await pilot.press("ctrl+s")
        await wait_for_async(
            lambda: "Try again in" in screen_text(pilot, "#pay-message"), pilot=pilot
        )
        await settle(pilot)
        assert isinstance(app.screen, PaymentScreen)
    assert limited_server.charge_count(owner.account_id) == 10
    assert limited_server.balance(owner.account_id) == 5000 + 10 * 1000
