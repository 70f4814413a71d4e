"""A payment link with the Stripe gateway: its page is a Stripe Checkout Session, made with the
official SDK against the Stripe double over real HTTP, and paid at the double's hosted page; the
`checkout.session.completed` webhook credits the top-up once and saves the card when asked.
The server here has `payment_page = "only"`: a new card in POST /v1/topups is refused."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from credits_client.api.client import CreditsClient
from tests.support.engine import engine_server_at, stop_engine_server
from tests.support.live_server import LiveServer, Owner
from tests.support.payment_links import expire, make_link, page_path
from tests.support.stripe_double import StripeDouble, server_env
from tests.support.stripe_server import card, double

__all__ = ["double"]


@pytest.fixture(scope="module")
def server(double: StripeDouble, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    env = {**server_env(double), "CREDITS_SERVER_PAYMENT_PAGE": "only"}
    server = engine_server_at(Path(tmp_path_factory.mktemp("stripe-checkout")), **env)
    double.webhook_url = f"{server.url}/v1/webhooks/stripe"
    try:
        yield server
    finally:
        stop_engine_server(server)


@pytest.fixture
def owner(server: LiveServer) -> Owner:
    return server.make_owner(balance=5000, with_card=False)


@pytest.fixture
async def api(server: LiveServer, owner: Owner) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=server.url, headers=owner.headers, timeout=30) as api:
        yield api


def open_link(server: LiveServer, link: dict[str, Any]) -> httpx.Response:
    return httpx.get(f"{server.url}{page_path(link)}", follow_redirects=False, timeout=30)


def session_of(double: StripeDouble, response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 303, response.text
    [session] = [s for s in double.sessions.values() if s["url"] == response.headers["location"]]
    return session


def pay_at_stripe(session: dict[str, Any], number: str) -> httpx.Response:
    form = {"number": number, "exp": "12/34", "cvc": "123"}
    return httpx.post(session["url"], data=form, follow_redirects=False, timeout=30)


async def test_the_link_opens_a_checkout_session_for_its_amount(
    server: LiveServer, double: StripeDouble, api: httpx.AsyncClient
) -> None:
    link = await make_link(api, 2500)
    session = session_of(double, open_link(server, link))
    assert (session["mode"], session["amount_total"], session["currency"]) == (
        "payment",
        2500,
        "usd",
    )
    assert (session["status"], session["payment_status"]) == ("open", "unpaid")
    assert session["metadata"] == {"payment_link_id": link["id"]}
    assert session["customer"] is None
    assert page_path(link) not in str(session)  # the link's token stays with us
    cancelled = await api.get(session["cancel_url"])
    assert "Nothing was charged" in cancelled.text
    assert "setup_future_usage" not in double.session_intent_data[session["id"]]
    assert session_of(double, open_link(server, link))["id"] == session["id"]  # the same one


async def test_paid_at_checkout_the_webhook_credits_once_and_saves_the_card(
    server: LiveServer, double: StripeDouble, owner: Owner, api: httpx.AsyncClient
) -> None:
    link = await make_link(api, 2500, save_card=True)
    session = session_of(double, open_link(server, link))
    assert session["customer"] in double.customers
    intent_data = double.session_intent_data[session["id"]]
    assert intent_data["setup_future_usage"] == "off_session"
    declined = pay_at_stripe(session, "4000000000000002")
    assert declined.status_code == 402
    assert server.balance(owner.account_id) == 5000
    double.hold = True  # Stripe delivers at least once: here, each event twice
    try:
        paid = pay_at_stripe(session, "4242424242424242")
    finally:
        double.hold = False
    assert paid.status_code == 303
    assert paid.headers["location"].endswith("/stripe/checkout-done")
    double.release(times=2)
    assert double.sent[-2:] == [("checkout.session.completed", 200)] * 2
    assert server.balance(owner.account_id) == 7500
    assert [row.amount for row in server.ledger(owner.account_id)] == [5000, 2500]
    shown = (await api.get(f"/v1/payment-links/{link['id']}")).json()
    assert shown["status"] == "paid"
    assert shown["topup"]["status"] == "succeeded"
    assert shown["topup"]["balance_after"] == 7500
    methods = (await api.get("/v1/payment-methods")).json()["data"]
    assert [(m["brand"], m["last4"]) for m in methods] == [("visa", "4242")]
    used = open_link(server, link)
    assert used.status_code == 410
    assert "This payment link has been used" in used.text


def _completed_event(double: StripeDouble, session: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": f"evt_again_{uuid.uuid4().hex}",
        "object": "event",
        "type": "checkout.session.completed",
        "data": {"object": dict(session)},
        "livemode": False,
        "created": session["created"],
    }


async def test_an_unpaid_session_completes_nothing(
    server: LiveServer, double: StripeDouble, owner: Owner, api: httpx.AsyncClient
) -> None:
    link = await make_link(api, 2500)
    session = session_of(double, open_link(server, link))
    forged = _completed_event(double, session)  # signed, but Stripe says it is unpaid
    assert double.deliver(forged).status_code == 200
    assert server.balance(owner.account_id) == 5000
    assert (await api.get(f"/v1/payment-links/{link['id']}")).json()["status"] == "open"


async def test_an_expired_link_opens_no_session(
    server: LiveServer, double: StripeDouble, api: httpx.AsyncClient
) -> None:
    link = await make_link(api, 2500)
    expire(server, link["id"])
    before = len(double.sessions)
    refused = open_link(server, link)
    assert refused.status_code == 410
    assert "has expired" in refused.text
    assert len(double.sessions) == before


async def test_payment_page_only_refuses_a_new_card_but_not_a_saved_one(
    server: LiveServer, owner: Owner
) -> None:
    client = CreditsClient(server.url)
    client.set_token(owner.token)
    try:
        token = await client.tokenize_card(card("4242424242424242"))
    finally:
        await client.aclose()
    async with httpx.AsyncClient(base_url=server.url, headers=owner.headers) as api:
        assert (await api.get("/v1/payment-config")).json()["payment_page"] == "only"
        refused = await api.post(
            "/v1/topups",
            json={"amount": 2500, "card_token": token},
            headers={"Idempotency-Key": uuid.uuid4().hex},
        )
        assert (refused.status_code, refused.json()["code"]) == (403, "payment_page_only")
        assert "secure payment page" in refused.json()["detail"]
        saving = await api.post("/v1/payment-methods", json={"card_token": token})
        assert (saving.status_code, saving.json()["code"]) == (403, "payment_page_only")
    assert server.balance(owner.account_id) == 5000
