"""A 3-D Secure wait nobody answers expires at the sandbox's bank as a bank's page times out: the
top-up fails with a reason the app shows, and an answer that comes too late credits nothing. The
bank's clock (and the reconciler's) is moved past the wait instead of waited for."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import datetime, timedelta
from typing import Any

import httpx

from credits_client.api.models import Topup
from credits_core.declines import decline_text
from tests.support.cards import through_gateway
from tests.support.live_server import LiveServer, Owner

ASKS_ALWAYS = "4000002760003184"
EXPIRED = "The bank's confirmation was not answered in time."


def past_the_wait(ctx: Any) -> tuple[Any, datetime]:
    """The server's context with the sandbox bank's clock moved past its 3-D Secure wait, and
    that moment."""
    from credits_server.gateway.sandbox.gateway import SandboxGateway
    from credits_server.models import utcnow

    wait = ctx.settings.sandbox_authentication_seconds
    later = utcnow() + timedelta(seconds=wait + 1)
    bank = SandboxGateway(ctx.db, authentication_seconds=wait, clock=lambda: later)
    return dataclasses.replace(ctx, gateway=bank), later


async def waiting_for_the_bank(client: httpx.AsyncClient) -> Topup:
    """A top-up with a card whose bank always asks for 3-D Secure, as the app sends it."""
    card = {"number": ASKS_ALWAYS, "exp_month": 12, "exp_year": 2039, "cvc": "123", "name": "T"}
    response = await client.post(
        "/v1/topups",
        json=await through_gateway(client, {"amount": 2500, "card": card}),
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )
    topup = Topup.model_validate(response.json())
    assert topup.status == "requires_action"
    return topup


async def test_an_unanswered_confirmation_fails_the_top_up_when_reconciled(
    live_server: LiveServer, owner: Owner, client: httpx.AsyncClient
) -> None:
    topup = await waiting_for_the_bank(client)

    async def reconcile_later(ctx: Any) -> None:
        from credits_server.services.reconcile import reconcile_once

        moved, later = past_the_wait(ctx)
        await reconcile_once(moved, now=later)

    live_server.run(reconcile_later)
    polled = Topup.model_validate((await client.get(f"/v1/topups/{topup.id}")).json())
    assert (polled.status, polled.failure_code) == ("failed", "authentication_expired")
    assert polled.failure_message == EXPIRED == decline_text("authentication_expired")
    assert polled.action_url is None
    assert topup.action_url
    page = await client.get(topup.action_url)
    assert "This payment is failed." in page.text
    approved = await client.post(topup.action_url, params={"result": "approve"})
    assert Topup.model_validate(approved.json()).status == "failed"
    assert live_server.balance(owner.account_id) == 5000
    assert [row.kind for row in live_server.ledger(owner.account_id)].count("topup") == 0


async def test_an_approval_after_the_wait_is_refused_and_credits_nothing(
    live_server: LiveServer, owner: Owner, client: httpx.AsyncClient
) -> None:
    topup = await waiting_for_the_bank(client)

    async def approve_later(ctx: Any) -> tuple[str, str | None, str | None]:
        from credits_server.services.topups import complete_authentication

        moved, _ = past_the_wait(ctx)
        answered = await complete_authentication(moved, topup.id, approve=True)
        return answered.status, answered.failure_code, answered.failure_message

    assert live_server.run(approve_later) == ("failed", "authentication_expired", EXPIRED)
    assert live_server.balance(owner.account_id) == 5000
    # The page's answer, later still, changes nothing.
    assert topup.action_url
    again = await client.post(topup.action_url, params={"result": "approve"})
    assert Topup.model_validate(again.json()).failure_code == "authentication_expired"
