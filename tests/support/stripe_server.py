"""Fixtures for the Stripe gateway's tests: the Stripe double (tests/support/stripe_double.py)
and a credits-server using it (module scope), and the app's own client signed in to it.
Import them into a test module: `from tests.support.stripe_server import app, double, ...`."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from credits_client.api.client import CreditsClient
from credits_client.api.models import CardInput, Topup
from tests.support.engine import engine_server_at, stop_engine_server
from tests.support.live_server import LiveServer, Owner
from tests.support.stripe_double import StripeDouble, running_double, server_env

SUCCEEDS = "4242424242424242"
ASKS_ALWAYS = "4000002760003184"


@pytest.fixture(scope="module")
def double() -> Iterator[StripeDouble]:
    with running_double() as double:
        yield double


@pytest.fixture(scope="module")
def stripe_server(
    double: StripeDouble, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    server = engine_server_at(Path(tmp_path_factory.mktemp("stripe-server")), **server_env(double))
    double.webhook_url = f"{server.url}/v1/webhooks/stripe"
    try:
        yield server
    finally:
        stop_engine_server(server)


@pytest.fixture
async def app(stripe_server: LiveServer) -> AsyncIterator[tuple[CreditsClient, Owner]]:
    """The app's own client, signed in as a new owner with $50.00 and no card."""
    owner = stripe_server.make_owner(balance=5000, with_card=False)
    client = CreditsClient(stripe_server.url)
    client.set_token(owner.token)
    try:
        yield client, owner
    finally:
        await client.aclose()


def card(number: str) -> CardInput:
    return CardInput.model_validate(
        {"number": number, "exp_month": 12, "exp_year": 2034, "cvc": "123", "name": "Ada"}
    )


async def pay(client: CreditsClient, number: str, amount: int = 2500, save: bool = False) -> Topup:
    """A top-up as the app makes it: the card tokenized at Stripe, the token to the server."""
    token = await client.tokenize_card(card(number))
    return await client.create_topup(
        amount, idempotency_key=str(uuid.uuid4()), card_token=token, save_card=save
    )
