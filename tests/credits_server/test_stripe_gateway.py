"""What is Stripe's own in the Stripe gateway (through the official SDK, against the Stripe
double over HTTP): the app tokenizes at "Stripe" with the publishable key; a PaymentIntent
carries our top-up id, the account's Customer and a key derived from ours; 3-D Secure goes
through our link to Stripe's page; no card data reaches credits-server. The outcomes every
gateway shares (each test card, off-session recharges) are in test_gateway_conformance.py."""

from __future__ import annotations

import uuid

import httpx
import pytest

from credits_client.api.client import CreditsClient
from credits_client.api.models import CardInput
from tests.support.live_server import LiveServer, Owner
from tests.support.stripe_double import PUBLISHABLE_KEY, StripeDouble
from tests.support.stripe_server import SUCCEEDS, app, card, double, pay, stripe_server
from tests.support.wait import wait_for

__all__ = ["app", "double", "stripe_server"]  # the fixtures
# Stripe's test cards and what the app shows for them (credits_core/declines.py).
DECLINED = {
    "4000000000000002": "card_declined",
    "4000000000009995": "insufficient_funds",
    "4000000000000069": "expired_card",
    "4000000000000127": "incorrect_cvc",
    "4000000000000341": "card_declined",
}


async def test_the_app_tokenizes_at_stripe_with_the_publishable_key(
    app: tuple[CreditsClient, Owner], double: StripeDouble
) -> None:
    client, _ = app
    config = await client.payment_config()
    assert (config.gateway, config.publishable_key) == ("stripe", PUBLISHABLE_KEY)
    assert config.tokenization_url == f"{double.url}/v1/payment_methods"
    token = await client.tokenize_card(card(SUCCEEDS))
    assert token.startswith("pm_")
    assert double.methods[token]["card"]["last4"] == "4242"


async def test_a_full_top_up_credits_once_with_our_id_and_key_at_stripe(
    app: tuple[CreditsClient, Owner], stripe_server: LiveServer, double: StripeDouble
) -> None:
    client, owner = app
    before = len(double.charges)
    topup = await pay(client, SUCCEEDS)
    assert (topup.status, topup.balance_after) == ("succeeded", 7500)
    assert topup.payment_method is not None
    assert (topup.payment_method.brand, topup.payment_method.last4) == ("visa", "4242")
    assert stripe_server.balance(owner.account_id) == 7500
    assert len(double.charges) == before + 1
    [intent] = [i for i in double.intents.values() if i["metadata"].get("topup_id") == topup.id]
    assert (intent["amount"], intent["currency"], intent["status"]) == (2500, "usd", "succeeded")
    assert intent["customer"] in double.customers
    # The same card again under another key of ours is another payment (a repeat of one key
    # is Stripe's first answer: tests/credits_server/test_stripe_webhooks.py, the crash).
    again = await client.create_topup(
        2500, idempotency_key=str(uuid.uuid4()), card_token=intent["payment_method"]
    )
    assert again.id != topup.id
    assert len(double.charges) == before + 2


@pytest.mark.parametrize("number", ["4000002500003155", "4000002760003184"])
async def test_three_d_secure_sends_the_customer_to_stripe_then_credits(
    app: tuple[CreditsClient, Owner], stripe_server: LiveServer, number: str
) -> None:
    client, owner = app
    topup = await pay(client, number)
    assert topup.status == "requires_action"
    assert topup.action_url is not None
    async with httpx.AsyncClient(follow_redirects=False) as browser:
        ours = await browser.get(topup.action_url)
        assert ours.status_code == 303  # our stable link, to Stripe's page
        await browser.post(ours.headers["location"], params={"result": "approve"})
    wait_for(lambda: stripe_server.balance(owner.account_id) == 7500, what="credited")
    assert (await client.topup(topup.id)).status == "succeeded"


class Recording(httpx.AsyncHTTPTransport):
    """The app's connection to credits-server, keeping a copy of every request it carries."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(f"{request.url} {request.headers} {(await request.aread()).decode()}")
        return await super().handle_async_request(request)


async def test_no_card_number_or_cvc_reaches_credits_server_its_database_or_log(
    stripe_server: LiveServer, double: StripeDouble
) -> None:
    owner = stripe_server.make_owner(balance=5000, with_card=False)
    recording = Recording()
    client = CreditsClient(stripe_server.url, transport=recording)
    client.set_token(owner.token)
    try:
        cvc_card = CardInput.model_validate(
            {"number": SUCCEEDS, "exp_month": 12, "exp_year": 2034, "cvc": "987", "name": "Ada"}
        )
        saved = await client.add_payment_method(await client.tokenize_card(cvc_card))
        assert saved.id is not None
        paid = await client.create_topup(
            2500, idempotency_key="no-card-data", payment_method_id=saved.id
        )
        assert paid.status == "succeeded"
        for number in [SUCCEEDS, *DECLINED, "4000002500003155"]:
            await pay(client, number, save=True)
    finally:
        await client.aclose()
    assert recording.seen  # the app did talk to the server
    numbers = [SUCCEEDS, *DECLINED, "4000002500003155"]
    assert [text for text in recording.seen if any(n in text for n in numbers)] == []
    assert [text for text in recording.seen if "cvc" in text] == []
    assert any(SUCCEEDS in body for _, body in double.requests)  # the card went to Stripe
    assert stripe_server.find_secrets(numbers) == []
    log = stripe_server.log_path.read_text()
    assert "sk_test_double" not in log
    assert "whsec_double" not in log
