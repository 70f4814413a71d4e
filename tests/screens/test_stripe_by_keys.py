"""The app by keys alone against a credits-server whose gateway is Stripe (the double): a top-up
with a new card, an auto-recharge charged off session, every documented test card's outcome in
the app's own words, and never a card number or CVC in what the app sends credits-server."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator

import httpx
import pytest

from credits_core.declines import DECLINES
from tests.screens.conftest import MakeApp
from tests.support.engine import make_api_key, post_usage, usage
from tests.support.live_server import LiveServer, Owner
from tests.support.pilot import (
    back_on_dashboard,
    open_auto_recharge,
    open_payment,
    run_on_dashboard,
    screen_text,
    settle,
    type_card,
)
from tests.support.stripe_double import StripeDouble
from tests.support.stripe_server import SUCCEEDS, double, stripe_server
from tests.support.wait import wait_for_async

__all__ = ["double", "stripe_server"]  # the fixtures

CVC = "987"
ASKS_THE_BANK = "Your bank asks you to confirm this payment."


@pytest.fixture(scope="module")
def live_server(stripe_server: LiveServer) -> LiveServer:
    """The app (`make_app`) talks to the Stripe-backed server: one server for the module."""
    return stripe_server


class Recorder(httpx.AsyncBaseTransport):
    """The app's transport to credits-server, keeping every request it sends."""

    def __init__(self) -> None:
        self.real = httpx.AsyncHTTPTransport(retries=0)
        self.sent: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        self.sent.append(request)
        return await self.real.handle_async_request(request)

    def card_data_sent(self, number: str, cvc: str) -> list[str]:
        """Each request that carried the number (in any spacing) or the CVC as a value."""
        found = []
        for request in self.sent:
            text = f"{request.url} {request.content.decode(errors='replace')}"
            if number in text.replace(" ", "").replace("-", ""):
                found.append(f"{request.method} {request.url.path}: number")
            if request.content and cvc in json_values(request.content):
                found.append(f"{request.method} {request.url.path}: cvc")
        return found


def json_values(content: bytes) -> list[str]:
    def walk(value: object) -> Iterator[str]:
        if isinstance(value, dict):
            for item in value.values():
                yield from walk(item)
        elif isinstance(value, list):
            for item in value:
                yield from walk(item)
        else:
            yield str(value)

    return list(walk(json.loads(content)))


async def server_settings(server: LiveServer, owner: Owner) -> dict[str, int]:
    async with httpx.AsyncClient(base_url=server.url, headers=owner.headers) as http:
        settings: dict[str, int] = (await http.get("/v1/auto-recharge")).json()
        return settings


async def test_a_top_up_then_an_auto_recharge_by_keys(
    make_app: MakeApp, stripe_server: LiveServer, double: StripeDouble
) -> None:
    owner = stripe_server.make_owner(balance=1000, with_card=False)
    before = await server_settings(stripe_server, owner)
    recorder = Recorder()
    app = make_app(signed_in_as=owner, transport=recorder)
    async with run_on_dashboard(app) as pilot:
        await open_payment(pilot, "3")  # $50.00
        await type_card(pilot, SUCCEEDS, cvc=CVC, save=True)
        await pilot.press("ctrl+s")
        await back_on_dashboard(pilot, "$60.00")
        await wait_for_async(
            lambda: "Visa •••• 4242" in screen_text(pilot, "#card-on-file"), pilot=pilot
        )

        await open_auto_recharge(pilot)
        await pilot.press("space")  # the switch has the focus: on
        await pilot.press("tab", "tab")  # past the mode, to "When balance falls below"
        await pilot.press(*["right"] * ((2000 - before["threshold"]) // 500))
        await pilot.press("tab")
        await pilot.press(*["right"] * ((5000 - before["amount"]) // 500))
        assert screen_text(pilot, "#sentence").startswith(
            "When your balance falls below $20.00, add $50.00 using Visa •••• 4242"
        )
        await pilot.press("ctrl+s")
        await wait_for_async(lambda: screen_text(pilot, "#recharge-status") == "Saved", pilot=pilot)
        await pilot.press("escape")
        await back_on_dashboard(pilot, "$60.00")

        # Calls use $45.00: $15.00 is under the threshold, and $50.00 is added off session.
        debit = usage(owner.account_id, 4500)
        posted = await asyncio.to_thread(
            post_usage, stripe_server, make_api_key(stripe_server), debit
        )
        assert posted.status_code == 201
        await back_on_dashboard(pilot, "$65.00")
        await settle(pilot)

    assert stripe_server.balance(owner.account_id) == 6500
    assert [(row.kind, row.amount) for row in stripe_server.ledger(owner.account_id)][-3:] == [
        ("topup", 5000),
        ("usage", -4500),
        ("auto_recharge", 5000),
    ]
    intents = [body for path, body in double.requests if path == "/v1/payment_intents"]
    assert "off_session=true" in intents[-1]  # the recharge, with the card saved at Stripe
    assert "off_session=true" not in intents[-2]  # the top-up, with the person there
    # The card went to "Stripe" and nowhere else: not in a request to credits-server, nor in its
    # database, request log or output.
    assert any(SUCCEEDS in body for path, body in double.requests if path == "/v1/payment_methods")
    assert recorder.sent
    assert recorder.card_data_sent(SUCCEEDS, CVC) == []
    assert stripe_server.find_secrets([SUCCEEDS, "4242 4242 4242 4242"]) == []


DECLINED = {
    "4000000000000002": DECLINES["card_declined"],
    "4000000000009995": DECLINES["insufficient_funds"],
    "4000000000000069": DECLINES["expired_card"],
    "4000000000000127": DECLINES["incorrect_cvc"],
    "4000000000000341": DECLINES["card_declined"],  # attaches, but every charge fails
}


@pytest.mark.parametrize(
    ("number", "outcome"),
    [
        ("4242424242424242", "$60.00"),
        *DECLINED.items(),
        ("4000002500003155", ASKS_THE_BANK),
        ("4000002760003184", ASKS_THE_BANK),
    ],
)
async def test_each_test_card_in_the_apps_words(
    make_app: MakeApp, stripe_server: LiveServer, number: str, outcome: str
) -> None:
    owner = stripe_server.make_owner(balance=1000, with_card=False)
    recorder = Recorder()
    app = make_app(signed_in_as=owner, transport=recorder)
    async with run_on_dashboard(app) as pilot:
        await open_payment(pilot, "3")  # $50.00
        await type_card(pilot, number, cvc=CVC, save=number == "4000000000000341")
        await pilot.press("ctrl+s")
        if number in DECLINED:
            said = f"Payment declined: {outcome} Nothing was charged."
            await wait_for_async(lambda: screen_text(pilot, "#pay-message") == said, pilot=pilot)
            await settle(pilot)
        elif outcome == ASKS_THE_BANK:
            await wait_for_async(
                lambda: screen_text(pilot, "#action-text").startswith(ASKS_THE_BANK), pilot=pilot
            )
            assert screen_text(pilot, "#action-url").startswith("http")
            await pilot.press("escape")  # stop waiting: nothing is added unless confirmed
            await back_on_dashboard(pilot, "$10.00")
        else:
            await back_on_dashboard(pilot, outcome)
    assert stripe_server.balance(owner.account_id) == (6000 if outcome == "$60.00" else 1000)
    assert recorder.card_data_sent(number, CVC) == []
