"""Reconciliation: a payment whose webhook never comes is settled from Stripe's answer a few
minutes on (here a second), by whichever server process holds the job's lease."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from credits_client.api.client import CreditsClient
from tests.support.engine import engine_server_at, stop_engine_server
from tests.support.live_server import LiveServer
from tests.support.stripe_double import StripeDouble, server_env
from tests.support.stripe_server import ASKS_ALWAYS, double, pay
from tests.support.wait import wait_for

__all__ = ["double"]  # the fixture


@pytest.fixture(scope="module")
def reconciling_server(
    double: StripeDouble, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    server = engine_server_at(
        Path(tmp_path_factory.mktemp("reconciling-server")),
        **server_env(double),
        CREDITS_SERVER_RECONCILE_AFTER_SECONDS="1",
        CREDITS_SERVER_RECONCILE_POLL_SECONDS="0.2",
    )
    double.webhook_url = f"{server.url}/v1/webhooks/stripe"
    double.hold = True  # no webhook is ever delivered in this module
    try:
        yield server
    finally:
        stop_engine_server(server)


async def test_a_payment_whose_webhook_never_comes_is_settled_from_stripe(
    reconciling_server: LiveServer, double: StripeDouble
) -> None:
    owner = reconciling_server.make_owner(balance=5000, with_card=False)
    client = CreditsClient(reconciling_server.url)
    client.set_token(owner.token)
    try:
        topup = await pay(client, ASKS_ALWAYS)
        assert topup.status == "requires_action"
        intent_id = double.intent_of(topup.id)
        async with httpx.AsyncClient() as browser:  # approved at Stripe; the webhook is lost
            await browser.post(f"{double.url}/3ds/{intent_id}", params={"result": "approve"})
        wait_for(lambda: reconciling_server.balance(owner.account_id) == 7500, what="settled")
        assert (await client.topup(topup.id)).status == "succeeded"
    finally:
        await client.aclose()
    assert (
        len([row for row in reconciling_server.ledger(owner.account_id) if row.kind == "topup"])
        == 1
    )


def test_one_process_at_a_time_holds_the_lease(reconciling_server: LiveServer) -> None:
    async def action(ctx: Any) -> list[bool]:
        from sqlalchemy import update

        from credits_server.gateway.events import GatewayJobLease
        from credits_server.models import utcnow
        from credits_server.services.reconcile import LEASE, claim_lease

        # The server's own reconciler holds it now: a stranger is refused until it expires.
        refused = await claim_lease(ctx, "stranger", 60)
        async with ctx.db.write() as session:
            await session.execute(
                update(GatewayJobLease)
                .where(GatewayJobLease.name == LEASE)
                .values(held_until=utcnow() - timedelta(seconds=1))
            )
        taken = await claim_lease(ctx, "stranger", 60)
        renewed = await claim_lease(ctx, "stranger", 60)
        other = await claim_lease(ctx, "another", 60)
        return [refused, taken, renewed, other]

    assert reconciling_server.run(action) == [False, True, True, False]
