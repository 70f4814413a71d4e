"""Two tries of one top-up at once (a double press, or a retry racing a slow first try): when the
server answers the second with 409 `idempotency_key_in_use` and Retry-After, the client waits and
asks again, and both tries answer with the one top-up, charged once."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from credits_client.api.client import CreditsClient
from tests.credits_client.conftest import FAST_RETRIES
from tests.support.live_server import LiveServer
from tests.support.wait import wait_for_async


@pytest.fixture(scope="module")
def slow_gateway_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    # The sandbox takes 1.5 s to charge; a second try of the key waits only 0.1 s, then gets 409.
    server = LiveServer(
        Path(tmp_path_factory.mktemp("key-in-use")),
        env={
            "CREDITS_SERVER_SANDBOX_CHARGE_DELAY_MS": "1500",
            "CREDITS_SERVER_DUPLICATE_WAIT_SECONDS": "0.1",
        },
    )
    with server.running():
        yield server


async def test_a_second_try_of_a_key_in_use_answers_the_first_ones_top_up(
    slow_gateway_server: LiveServer,
) -> None:
    owner = slow_gateway_server.make_owner(balance=0)
    client = CreditsClient(slow_gateway_server.url, retry=FAST_RETRIES)
    client.set_token(owner.token)
    key = str(uuid.uuid4())
    method = owner.payment_method_id
    try:
        first, second = await asyncio.gather(
            client.create_topup(2500, idempotency_key=key, payment_method_id=method),
            client.create_topup(2500, idempotency_key=key, payment_method_id=method),
        )
        assert first.id == second.id
        # A try answered while the charge is still at the gateway says "processing"; the top-up
        # then succeeds, once.
        await wait_for_async(
            lambda: slow_gateway_server.balance(owner.account_id) == 2500, what="the credit"
        )
        assert (await client.topup(first.id)).status == "succeeded"
    finally:
        await client.aclose()
    assert slow_gateway_server.balance(owner.account_id) == 2500
