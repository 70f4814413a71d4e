"""One conformance suite for every gateway: the offline sandbox and Stripe (through the official
SDK, against the Stripe double) give the app the same outcomes, in the same words, through the
same app code (the app's own client tokenizes wherever `GET /v1/payment-config` says)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import httpx
import pytest

from credits_client.api.client import CreditsClient
from credits_client.api.errors import ApiError
from credits_client.api.models import Topup
from credits_core.declines import decline_text
from tests.support.engine import (
    enable_auto_recharge,
    engine_server,
    intents,
    make_api_key,
    no_open_intent,
    post_usage,
    recharge_entries,
    usage,
)
from tests.support.live_server import LiveServer, Owner
from tests.support.stripe_server import ASKS_ALWAYS, SUCCEEDS, card, double, pay, stripe_server
from tests.support.wait import wait_for

__all__ = ["double", "engine_server", "stripe_server"]  # the fixtures

DECLINED = {
    "4000000000000002": "card_declined",
    "4000000000009995": "insufficient_funds",
    "4000000000000069": "expired_card",
    "4000000000000127": "incorrect_cvc",
    "4000000000000341": "card_declined",
}


@pytest.fixture(params=["sandbox", "stripe"])
def server(request: pytest.FixtureRequest) -> LiveServer:
    name = "engine_server" if request.param == "sandbox" else "stripe_server"
    found: LiveServer = request.getfixturevalue(name)
    return found


@pytest.fixture
async def app(server: LiveServer) -> AsyncIterator[tuple[CreditsClient, Owner]]:
    owner = server.make_owner(balance=5000, with_card=False)
    client = CreditsClient(server.url)
    client.set_token(owner.token)
    try:
        yield client, owner
    finally:
        await client.aclose()


async def approve(topup: Topup, *, result: str = "approve") -> None:
    """The customer answers the bank's 3-D Secure page at the top-up's `action_url` (a redirect
    to it at Stripe)."""
    assert topup.action_url is not None
    async with httpx.AsyncClient(follow_redirects=False) as browser:
        page = await browser.get(topup.action_url)
        target = page.headers["location"] if page.status_code == 303 else topup.action_url
        answered = await browser.post(target, params={"result": result})
        assert answered.status_code < 400


async def test_a_good_card_credits_once(
    app: tuple[CreditsClient, Owner], server: LiveServer
) -> None:
    client, owner = app
    topup = await pay(client, SUCCEEDS)
    assert (topup.status, topup.balance_after) == ("succeeded", 7500)
    assert topup.payment_method is not None
    assert (topup.payment_method.brand, topup.payment_method.last4) == ("visa", "4242")
    assert server.ledger(owner.account_id)[-1].description == "Top-up, Visa •••• 4242"


@pytest.mark.parametrize(("number", "code"), sorted(DECLINED.items()))
async def test_a_declined_card_fails_in_the_apps_words(
    app: tuple[CreditsClient, Owner], server: LiveServer, number: str, code: str
) -> None:
    client, owner = app
    topup = await pay(client, number, save=True)
    assert (topup.status, topup.failure_code) == ("failed", code)
    assert topup.failure_message == decline_text(code)
    assert server.balance(owner.account_id) == 5000
    assert (await client.payment_methods()).data == []  # not saved


@pytest.mark.parametrize(
    ("result", "status", "balance"), [("approve", "succeeded", 7500), ("decline", "failed", 5000)]
)
async def test_three_d_secure_is_answered_at_the_action_url(
    app: tuple[CreditsClient, Owner], server: LiveServer, result: str, status: str, balance: int
) -> None:
    client, owner = app
    topup = await pay(client, ASKS_ALWAYS)
    assert topup.status == "requires_action"
    await approve(topup, result=result)
    wait_for(lambda: server.topup_statuses(owner.account_id) == [status], what=status)
    settled = await client.topup(topup.id)
    assert settled.balance_after == (balance if status == "succeeded" else None)
    if status == "failed":
        assert settled.failure_message == decline_text("authentication_failed")
    assert server.balance(owner.account_id) == balance


async def test_saving_a_card_that_declines_is_refused_and_one_that_declines_charges_is_kept(
    app: tuple[CreditsClient, Owner],
) -> None:
    client, _ = app
    with pytest.raises(ApiError) as refused:
        await client.add_payment_method(await client.tokenize_card(card("4000000000009995")))
    assert (refused.value.status, refused.value.code) == (402, "insufficient_funds")
    assert refused.value.message == decline_text("insufficient_funds")
    kept = await client.add_payment_method(await client.tokenize_card(card("4000000000000341")))
    assert (kept.last4, kept.is_default) == ("0341", True)


@pytest.mark.parametrize(
    ("number", "status", "code"),
    [
        ("4000002500003155", "succeeded", None),
        ("4000002760003184", "failed", "authentication_required"),
        ("4000000000000341", "failed", "card_declined"),
    ],
)
async def test_auto_recharge_charges_the_saved_card_off_session(
    app: tuple[CreditsClient, Owner],
    server: LiveServer,
    number: str,
    status: str,
    code: str | None,
) -> None:
    client, owner = app
    await client.add_payment_method(await client.tokenize_card(card(number)), "Ada")
    enable_auto_recharge(server, owner, threshold=1000, amount=2500)
    assert (
        post_usage(server, make_api_key(server), usage(owner.account_id, 4500)).status_code == 201
    )
    wait_for(lambda: no_open_intent(server, owner.account_id), what="recharge settled")
    assert intents(server, owner.account_id)[0][0] == status
    credited = [row.amount for row in recharge_entries(server, owner.account_id)]
    assert credited == ([2500] if status == "succeeded" else [])
    last = (await client.auto_recharge())[0].last_attempt
    assert last is not None
    assert (last.status, last.failure_code) == (status, code)


async def test_card_data_sent_to_credits_server_is_refused(
    app: tuple[CreditsClient, Owner], server: LiveServer
) -> None:
    _, owner = app
    typed = {"number": SUCCEEDS, "exp_month": 12, "exp_year": 2034, "cvc": "123"}
    async with httpx.AsyncClient(base_url=server.url, headers=owner.headers) as http:
        answers = [
            await http.post("/v1/payment-methods", json=typed),
            await http.post(
                "/v1/topups",
                json={"amount": 1000, "card": typed},
                headers={"Idempotency-Key": uuid.uuid4().hex},
            ),
        ]
    assert [(a.status_code, a.json()["code"]) for a in answers] == [(422, "card_data_refused")] * 2
    assert server.topup_statuses(owner.account_id) == []
