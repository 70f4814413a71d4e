"""One Idempotency-Key tried many times at once with a new card: one try claims the key and is
the only one counted toward the account's limits; the others answer its outcome (or 409
`idempotency_key_in_use` with Retry-After), never 429."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.cards import card_token
from tests.support.live_server import LiveServer, Owner

LIMIT = 3
TRIES = 30


@pytest.fixture(scope="module")
def limited_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = LiveServer(
        Path(tmp_path_factory.mktemp("key-claim")),
        env={
            "CREDITS_SERVER_CARD_SAVES_MAX": str(LIMIT),
            "CREDITS_SERVER_SANDBOX_CHARGE_DELAY_MS": "200",
        },
    )
    with server.running():
        yield server


def card(number: str = "4242424242424242") -> dict[str, object]:
    return {"number": number, "exp_month": 12, "exp_year": 2039, "cvc": "123", "name": "Tester"}


def cards_tried(server: LiveServer, account_id: str) -> int:
    async def action(ctx: Any) -> int:
        from sqlalchemy import func, select

        from credits_server.models import CardSaveAttempt

        query = select(func.count()).where(CardSaveAttempt.account_id == account_id)
        async with ctx.db.read() as session:
            return int((await session.execute(query)).scalar_one())

    return server.run(action)


async def token_for(server: LiveServer, number: str) -> str:
    """The gateway's token for a new card, as the app gets it before paying."""
    async with httpx.AsyncClient(base_url=server.url, timeout=60) as client:
        return await card_token(client, card(number))


async def top_up(server: LiveServer, owner: Owner, key: str, token: str) -> httpx.Response:
    async with httpx.AsyncClient(base_url=server.url, headers=owner.headers, timeout=60) as client:
        body = {"amount": 1000, "card_token": token}
        return await client.post("/v1/topups", json=body, headers={"Idempotency-Key": key})


async def test_concurrent_tries_of_one_key_count_as_one_card(limited_server: LiveServer) -> None:
    owner = limited_server.make_owner(with_card=False)
    key = uuid.uuid4().hex

    token = await token_for(limited_server, "4242424242424242")
    answers = await asyncio.gather(
        *(top_up(limited_server, owner, key, token) for _ in range(TRIES))
    )

    statuses = sorted(a.status_code for a in answers)
    assert 429 not in statuses, statuses
    assert statuses.count(201) == 1, statuses
    assert set(statuses) <= {200, 201, 409}, statuses
    for answer in answers:
        if answer.status_code == 409:
            assert answer.json()["code"] == "idempotency_key_in_use"
            assert int(answer.headers["retry-after"]) >= 1
    assert {a.json()["id"] for a in answers if a.status_code in (200, 201)} == {
        next(a.json()["id"] for a in answers if a.status_code == 201)
    }
    assert cards_tried(limited_server, owner.account_id) == 1
    assert limited_server.balance(owner.account_id) == 1000  # charged once
    # The account may still try new cards: the key's tries used one of its three.
    other = await token_for(limited_server, "5555555555554444")
    later = await top_up(limited_server, owner, uuid.uuid4().hex, other)
    assert later.status_code == 201, later.text


async def test_a_try_after_the_claimant_was_refused_may_claim_the_key(
    limited_server: LiveServer,
) -> None:
    owner = limited_server.make_owner(with_card=False)
    for _ in range(LIMIT):
        declined = await token_for(limited_server, "4000000000000002")
        await top_up(limited_server, owner, uuid.uuid4().hex, declined)
    key = uuid.uuid4().hex

    token = await token_for(limited_server, "4242424242424242")
    answers = await asyncio.gather(*(top_up(limited_server, owner, key, token) for _ in range(5)))

    # One try claimed the key and was refused for the account's limit; the rest were not counted.
    statuses = sorted(a.status_code for a in answers)
    assert statuses.count(429) == 1, statuses
    assert set(statuses) <= {409, 429}, statuses
    assert cards_tried(limited_server, owner.account_id) == LIMIT
