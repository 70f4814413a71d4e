"""Stripe's webhooks, signed by the double and delivered late, twice, in reverse or with a bad
signature; and a server killed between Stripe's charge and the ledger's credit."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from credits_client.api.client import CreditsClient
from credits_server.gateway.events import ProcessedGatewayEvent
from tests.support.cards import card_form
from tests.support.live_server import LedgerRow, LiveServer, Owner
from tests.support.stripe_double import PUBLISHABLE_KEY, StripeDouble, signature
from tests.support.stripe_server import (
    ASKS_ALWAYS,
    SUCCEEDS,
    app,
    double,
    pay,
    stripe_server,
)
from tests.support.wait import wait_for

__all__ = ["app", "double", "stripe_server"]  # the fixtures


@pytest.fixture
def held(double: StripeDouble) -> Iterator[StripeDouble]:
    """The double keeps its webhooks until the test delivers them."""
    double.hold = True
    double.held.clear()
    try:
        yield double
    finally:
        double.hold = False
        double.held.clear()


async def approved_and_held(client: CreditsClient, double: StripeDouble) -> str:
    """A top-up needing 3-D Secure, approved at Stripe; its success webhook held. Its id."""
    topup = await pay(client, ASKS_ALWAYS)
    assert topup.status == "requires_action"
    intent_id = double.intent_of(topup.id)
    async with httpx.AsyncClient() as browser:
        await browser.post(f"{double.url}/3ds/{intent_id}", params={"result": "approve"})
    assert [event["type"] for event in double.held] == ["payment_intent.succeeded"]
    return intent_id


def entries(server: LiveServer, owner: Owner) -> list[tuple[str, int]]:
    rows: list[LedgerRow] = server.ledger(owner.account_id)
    return [(row.kind, row.amount) for row in rows]


def post_raw(server: LiveServer, payload: str, header: str) -> httpx.Response:
    return httpx.post(
        f"{server.url}/v1/webhooks/stripe",
        content=payload,
        headers={"Stripe-Signature": header, "Content-Type": "application/json"},
    )


async def test_a_bad_signature_answers_400_and_changes_nothing(
    app: tuple[CreditsClient, Owner], stripe_server: LiveServer, held: StripeDouble
) -> None:
    client, owner = app
    await approved_and_held(client, held)
    [event] = held.held
    payload = json.dumps(event)
    forged = post_raw(stripe_server, payload, signature(payload, "whsec_not_ours"))
    stale = post_raw(stripe_server, payload, signature(payload, at=int(time.time()) - 301))
    unsigned = post_raw(stripe_server, payload, "")
    tampered = post_raw(stripe_server, payload.replace("2500", "250000"), signature(payload))
    for answer in (forged, stale, unsigned, tampered):
        assert (answer.status_code, answer.json()["code"]) == (400, "bad_signature")
    assert stripe_server.balance(owner.account_id) == 5000
    assert stripe_server.topup_statuses(owner.account_id) == ["requires_action"]
    assert not processed(stripe_server, event["id"])
    held.release()
    assert held.sent[-1] == ("payment_intent.succeeded", 200)
    assert stripe_server.balance(owner.account_id) == 7500


async def test_the_same_event_twice_credits_once(
    app: tuple[CreditsClient, Owner], stripe_server: LiveServer, held: StripeDouble
) -> None:
    client, owner = app
    await approved_and_held(client, held)
    held.release(times=3)
    assert [status for _, status in held.sent[-3:]] == [200, 200, 200]
    assert entries(stripe_server, owner) == [("adjustment", 5000), ("topup", 2500)]
    assert stripe_server.balance(owner.account_id) == 7500


async def test_refund_before_success_in_reverse_order_ends_right(
    app: tuple[CreditsClient, Owner], stripe_server: LiveServer, held: StripeDouble
) -> None:
    client, owner = app
    intent_id = await approved_and_held(client, held)
    held.refund(intent_id)
    held.release(reverse=True)  # charge.refunded first, then payment_intent.succeeded
    assert entries(stripe_server, owner) == [
        ("adjustment", 5000),
        ("topup", 2500),
        ("adjustment", -2500),
    ]
    assert stripe_server.ledger(owner.account_id)[-1].description == "Refund to Visa •••• 3184"
    assert stripe_server.balance(owner.account_id) == 5000
    held.refund(intent_id)  # Stripe sends another refund event for the same charge
    held.release()
    assert stripe_server.balance(owner.account_id) == 5000


async def test_a_dropped_webhook_is_made_up_for_by_the_dispute_and_the_owner_is_told(
    app: tuple[CreditsClient, Owner], stripe_server: LiveServer, held: StripeDouble
) -> None:
    client, owner = app
    intent_id = await approved_and_held(client, held)
    held.dispute(intent_id)
    held.release(drop=1)  # the success never arrives; the dispute does
    assert stripe_server.balance(owner.account_id) == 7500
    assert ("payment.disputed", 2500) in account_events(stripe_server, owner)


async def test_an_unknown_event_type_is_acknowledged_and_ignored(
    app: tuple[CreditsClient, Owner], stripe_server: LiveServer, double: StripeDouble
) -> None:
    _, owner = app
    # An invoice has a `number`, a charge a 15-digit network transaction id: not card data.
    invoice = {"object": "invoice", "number": "ABC-0001", "network_id": "378282246310005"}
    event = {
        "id": "evt_unknown_1",
        "object": "event",
        "type": "invoice.created",
        "data": {"object": invoice},
    }
    answer = double.deliver(event)
    assert answer.status_code == 200
    assert stripe_server.balance(owner.account_id) == 5000
    assert processed(stripe_server, "evt_unknown_1")


def test_killed_after_stripe_charged_credits_exactly_once_after_restart(
    stripe_server: LiveServer, held: StripeDouble
) -> None:
    owner = stripe_server.make_owner(balance=5000, with_card=False)
    tokenized = httpx.post(
        f"{held.url}/v1/payment_methods",
        data=card_form({"number": SUCCEEDS, "exp_month": 12, "exp_year": 2034, "cvc": "123"}),
        headers={"Authorization": f"Bearer {PUBLISHABLE_KEY}"},
    )
    token = tokenized.json()["id"]
    charges = len(held.charges)
    held.answer_delay = 5.0  # Stripe charges, and its answer is slow: the crash lands there
    held.answered.clear()
    body = {"amount": 2500, "card_token": token}
    headers = {**owner.headers, "Idempotency-Key": "crash-1"}

    def kill_once_charged() -> None:
        held.answered.wait(30)
        stripe_server.kill()

    killer = threading.Thread(target=kill_once_charged)
    killer.start()
    try:
        with pytest.raises(httpx.TransportError):
            httpx.post(f"{stripe_server.url}/v1/topups", json=body, headers=headers, timeout=60)
    finally:
        killer.join()
        held.answer_delay = 0.0
    assert len(held.charges) == charges + 1  # Stripe charged
    assert stripe_server.topup_statuses(owner.account_id) == ["processing"]  # we did not credit
    stripe_server.start()  # resumes the top-up: the same idempotency key, Stripe's first answer
    held.webhook_url = f"{stripe_server.url}/v1/webhooks/stripe"
    wait_for(lambda: stripe_server.topup_statuses(owner.account_id) == ["succeeded"])
    held.release(times=2)  # and the webhook arrives, twice
    assert entries(stripe_server, owner) == [("adjustment", 5000), ("topup", 2500)]
    assert len(held.charges) == charges + 1


def processed(server: LiveServer, event_id: str) -> bool:
    async def action(ctx: Any) -> bool:
        async with ctx.db.read() as session:
            return await session.get(ProcessedGatewayEvent, event_id) is not None

    return server.run(action)


def account_events(server: LiveServer, owner: Owner) -> list[tuple[str, object]]:
    async def action(ctx: Any) -> list[tuple[str, object]]:
        from sqlalchemy import select

        from credits_server.models import Event

        async with ctx.db.read() as session:
            rows = await session.execute(
                select(Event.type, Event.data).where(Event.account_id == owner.account_id)
            )
            return [(str(type_), json.loads(data).get("amount")) for type_, data in rows]

    return server.run(action)
