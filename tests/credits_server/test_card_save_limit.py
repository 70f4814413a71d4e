"""Card-testing defence for saved cards: an account may send only so many cards to be saved per
window, refused ones included; past that, 429 with Retry-After and nothing reaches the gateway."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from credits_client.api.client import CreditsClient
from credits_client.api.errors import RateLimited
from credits_client.api.models import CardInput
from credits_client.api.transport import RetryPolicy
from screens.messages import describe_error
from tests.support.cards import save_card, through_gateway
from tests.support.live_server import LiveServer, Owner
from tests.support.postgres import drop_database, private_database_url

LIMIT = 3
WINDOW_SECONDS = 600
GOOD_CARDS = ["4242424242424242", "5555555555554444", "378282246310005"]
REFUSED_CARD = "4000000000000002"  # Stripe's generic decline: never saved, but it was tried


@pytest.fixture(scope="module")
def limited_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server of its own with a small limit (the session's allows many cards)."""
    postgres_url = private_database_url("cardlimit")
    server = LiveServer(
        Path(tmp_path_factory.mktemp("card-limit")),
        database_url_override=postgres_url,
        env={
            "CREDITS_SERVER_CARD_SAVES_MAX": str(LIMIT),
            "CREDITS_SERVER_CARD_SAVES_WINDOW_SECONDS": str(WINDOW_SECONDS),
        },
    )
    try:
        with server.running():
            yield server
    finally:
        if postgres_url is not None:
            drop_database(postgres_url)


def card(number: str) -> dict[str, object]:
    cvc = "1234" if number.startswith(("34", "37")) else "123"  # American Express has four
    return {"number": number, "exp_month": 12, "exp_year": 2039, "cvc": cvc, "name": "Tester"}


async def save(server: LiveServer, owner: Owner, number: str) -> httpx.Response:
    async with httpx.AsyncClient(base_url=server.url, headers=owner.headers, timeout=30) as client:
        return await save_card(client, card(number))


async def saved_last4(server: LiveServer, owner: Owner) -> list[str]:
    async with httpx.AsyncClient(base_url=server.url, headers=owner.headers, timeout=30) as client:
        listed = (await client.get("/v1/payment-methods")).json()["data"]
    return [method["last4"] for method in listed]


def tokenized_last4(server: LiveServer) -> list[str]:
    """Cards the sandbox gateway was asked to use: set up for later (a save the server passed
    on) or charged. The app tokenizes at the gateway before the server sees a card; the server's
    limit decides whether the gateway is then asked to do anything with it."""

    async def action(ctx: Any) -> list[str]:
        from sqlalchemy import select

        from credits_server.gateway.sandbox.tables import SandboxCard, SandboxCharge

        async with ctx.db.read() as session:
            used = select(SandboxCard.last4).where(
                SandboxCard.set_up_for_future.is_(True)
                | SandboxCard.token.in_(select(SandboxCharge.token))
            )
            return [str(last4) for last4 in (await session.execute(used))]

    return server.run(action)


def attempts_of(server: LiveServer, account_id: str) -> int:
    async def action(ctx: Any) -> int:
        from sqlalchemy import func, select

        from credits_server.models import CardSaveAttempt

        query = select(func.count()).where(CardSaveAttempt.account_id == account_id)
        async with ctx.db.read() as session:
            return int((await session.execute(query)).scalar_one())

    return server.run(action)


def let_the_window_pass(server: LiveServer, account_id: str) -> None:
    """Move the account's recorded attempts back by a window (instead of waiting one out)."""

    async def action(ctx: Any) -> None:
        from sqlalchemy import select

        from credits_server.models import CardSaveAttempt

        async with ctx.db.write() as session:
            rows = await session.execute(
                select(CardSaveAttempt).where(CardSaveAttempt.account_id == account_id)
            )
            for attempt in rows.scalars():
                attempt.at -= timedelta(seconds=WINDOW_SECONDS)

    server.run(action)


def assert_too_many(response: httpx.Response) -> int:
    """The 429 problem; returns its Retry-After seconds."""
    assert response.status_code == 429
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["code"] == "too_many_attempts"
    assert problem["detail"].startswith("Too many cards tried on this account. Try again in ")
    assert "\n" not in problem["detail"]
    retry_after = int(response.headers["retry-after"])
    assert 1 <= retry_after <= WINDOW_SECONDS
    return retry_after


async def test_the_card_past_the_limit_is_refused_without_calling_the_gateway(
    limited_server: LiveServer,
) -> None:
    owner = limited_server.make_owner(with_card=False)
    other = limited_server.make_owner(with_card=False)
    answers = [await save(limited_server, owner, number) for number in GOOD_CARDS[:2]]
    answers.append(await save(limited_server, owner, REFUSED_CARD))
    assert [a.status_code for a in answers] == [201, 201, 402]
    before = tokenized_last4(limited_server)

    refused = await save(limited_server, owner, GOOD_CARDS[2])

    # Just tried: allowed again when the first attempt leaves the window, nearly a window away.
    assert assert_too_many(refused) > WINDOW_SECONDS - 60
    assert "minutes" in refused.json()["detail"]
    assert await saved_last4(limited_server, owner) == ["4242", "4444"]
    assert tokenized_last4(limited_server) == before  # the amex never reached the gateway
    assert "0005" not in before
    # Another account of the same server saves as usual; its first card is its default.
    theirs = await save(limited_server, other, GOOD_CARDS[2])
    assert (theirs.status_code, theirs.json()["is_default"]) == (201, True)


async def test_refused_cards_count_and_the_limit_holds_across_a_restart(
    limited_server: LiveServer,
) -> None:
    owner = limited_server.make_owner(with_card=False)
    tried = [await save(limited_server, owner, REFUSED_CARD) for _ in range(LIMIT)]
    assert [a.status_code for a in tried] == [402] * LIMIT
    assert_too_many(await save(limited_server, owner, GOOD_CARDS[0]))

    # The attempts are rows in the database, not memory of one process: a crash forgets none.
    limited_server.kill()
    limited_server.start()
    assert_too_many(await save(limited_server, owner, GOOD_CARDS[0]))
    assert await saved_last4(limited_server, owner) == []


async def test_cards_sent_at_once_cannot_slip_past_the_limit(limited_server: LiveServer) -> None:
    owner = limited_server.make_owner(with_card=False)
    numbers = GOOD_CARDS * 3
    answers = await asyncio.gather(*(save(limited_server, owner, n) for n in numbers))
    assert sorted(a.status_code for a in answers) == [201] * LIMIT + [429] * (len(numbers) - LIMIT)
    saved = [a.json() for a in answers if a.status_code == 201]
    assert len(await saved_last4(limited_server, owner)) == LIMIT
    assert [m["is_default"] for m in saved].count(True) == 1


async def test_when_the_window_has_passed_a_card_may_be_saved_again(
    limited_server: LiveServer,
) -> None:
    owner = limited_server.make_owner(balance=1000)  # one saved card, made without the API
    for number in GOOD_CARDS:
        assert (await save(limited_server, owner, number)).status_code == 201
    assert_too_many(await save(limited_server, owner, GOOD_CARDS[0]))

    let_the_window_pass(limited_server, owner.account_id)
    again = await save(limited_server, owner, GOOD_CARDS[1])

    assert (again.status_code, again.json()["is_default"]) == (201, False)
    assert await saved_last4(limited_server, owner) == ["4242", "4242", "4444", "0005", "4444"]
    # The attempts that left the window were pruned when this one was recorded.
    assert attempts_of(limited_server, owner.account_id) == 1


async def test_the_app_reads_the_refusal_as_too_many_attempts(limited_server: LiveServer) -> None:
    owner = limited_server.make_owner(with_card=False)
    for _ in range(LIMIT):
        await save(limited_server, owner, REFUSED_CARD)
    client = CreditsClient(limited_server.url, retry=RetryPolicy(attempts=1))
    client.set_token(owner.token)
    try:
        token = await client.tokenize_card(CardInput.model_validate(card(GOOD_CARDS[0])))
        with pytest.raises(RateLimited) as caught:
            await client.add_payment_method(token)
    finally:
        await client.aclose()
    assert WINDOW_SECONDS - 60 < caught.value.retry_after <= WINDOW_SECONDS
    title, message = describe_error(caught.value)
    assert title == "Too many attempts"
    assert message.startswith("Try again in 9 min") or message == "Try again in 10 min."


async def test_top_ups_with_new_cards_count_and_a_saved_card_still_pays(
    limited_server: LiveServer,
) -> None:
    owner = limited_server.make_owner(balance=1000)  # one saved card, made without the API
    async with httpx.AsyncClient(
        base_url=limited_server.url, headers=owner.headers, timeout=30
    ) as client:

        async def top_up(body: dict[str, object]) -> httpx.Response:
            key = {"Idempotency-Key": uuid.uuid4().hex}
            sent = await through_gateway(client, {"amount": 1000, **body})
            return await client.post("/v1/topups", json=sent, headers=key)

        paid = [await top_up({"card": card(number)}) for number in GOOD_CARDS]
        assert [a.status_code for a in paid] == [201] * LIMIT
        before = tokenized_last4(limited_server)

        refused = await top_up({"card": card(GOOD_CARDS[0])})
        saved_card = await top_up({"payment_method_id": owner.payment_method_id})

    assert_too_many(refused)
    assert tokenized_last4(limited_server) == before
    assert saved_card.status_code == 201
    assert limited_server.balance(owner.account_id) == 1000 + 1000 * (LIMIT + 1)
