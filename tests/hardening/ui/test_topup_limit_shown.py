"""The card-testing limit as a person meets it: the 11th payment in a minute says to wait,
with the wait from the server, and charges nothing."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.live_server import LiveServer
from tests.ui.conftest import MakeApp
from tests.ui.helpers import on_dashboard, screen_text, settle, wait_for


@pytest.fixture
def limited_server(tmp_path: Path) -> Iterator[LiveServer]:
    """A server of its own with the default limit (the session's allows many top-ups)."""
    server = LiveServer(tmp_path / "limited")
    with server.running():
        yield server


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
    async with app.run_test(size=(80, 24)) as pilot:
        await on_dashboard(pilot)
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("enter")  # the preset under the cursor
        await wait_for(pilot, lambda: isinstance(app.screen, PaymentScreen))
        await settle(pilot)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "Try again in" in screen_text(pilot, "#pay-message"))
        await settle(pilot)
        assert isinstance(app.screen, PaymentScreen)
    assert limited_server.charge_count(owner.account_id) == 10
    assert limited_server.balance(owner.account_id) == 5000 + 10 * 1000
