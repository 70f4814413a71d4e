"""Three `credits-server` processes over ONE database, as a team runs them behind a load balancer.

The database is the pass's: a private PostgreSQL database in scripts/test's PostgreSQL pass, one
shared SQLite file in the SQLite pass. The three start at the same moment (each with --migrate),
usage is sent to all three at once, and the test checks what the owner and the bank would see:
exactly one card charge and one `auto_recharge` entry per crossing of the threshold, a ledger whose
entries add up to the balance, and every event reaching a client of each of the three processes;
and card changes sent to all three at once still leave the account exactly one default card.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from tests.support.cards import card_token
from tests.support.engine import (
    FAST_ENGINE,
    collect_events,
    enable_auto_recharge,
    intents,
    make_api_key,
    no_open_intent,
    recharge_entries,
    usage,
)
from tests.support.live_server import STARTUP_TIMEOUT, LedgerRow, LiveServer
from tests.support.postgres import drop_database, private_database_url
from tests.support.wait import wait_for_async

THRESHOLD = 1000
RECHARGE = 2500
ROUNDS = 3
DEBITS_PER_ROUND = 30


@pytest.fixture(scope="module")
def three_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[LiveServer]]:
    tmp_path = tmp_path_factory.mktemp("three-servers")
    postgres_url = private_database_url("multi")
    url = postgres_url or f"sqlite+aiosqlite:///{tmp_path / 'shared.db'}"
    servers = [
        LiveServer(
            tmp_path / f"server{n}",
            env=dict(FAST_ENGINE),
            database_url_override=url,
            startup_timeout=3 * STARTUP_TIMEOUT,
        )
        for n in range(3)
    ]
    try:
        # Started together, as a deployment starts them: their --migrate must not race.
        with ThreadPoolExecutor(max_workers=3) as pool:
            list(pool.map(LiveServer.start, servers))
        servers[0].open_database()
        yield servers
    finally:
        servers[0].close_database()
        for server in servers:
            server.stop()
        if postgres_url is not None:
            drop_database(postgres_url)


def event_ids(server: LiveServer, account_id: str, after: int) -> list[tuple[int, str]]:
    """(seq, type) of the account's events in the database, after `after`."""

    async def action(ctx: Any) -> list[tuple[int, str]]:
        from sqlalchemy import select

        from credits_server.models import Event

        async with ctx.db.read() as session:
            rows = await session.execute(
                select(Event.seq, Event.type)
                .where(Event.account_id == account_id, Event.seq > after)
                .order_by(Event.seq)
            )
            return [(int(seq), str(type_)) for seq, type_ in rows]

    return server.run(action)


async def send_usage_to_all(
    servers: list[LiveServer], key: str, account_id: str, amount: int
) -> list[int]:
    """DEBITS_PER_ROUND usage records at once, dealt round-robin to the servers."""
    headers = {"Authorization": f"Bearer {key}"}
    async with contextlib.AsyncExitStack() as stack:
        clients = [
            await stack.enter_async_context(
                httpx.AsyncClient(base_url=server.url, headers=headers, timeout=60)
            )
            for server in servers
        ]
        answers = await asyncio.gather(
            *(
                clients[n % len(clients)].post("/v1/usage", json=usage(account_id, amount))
                for n in range(DEBITS_PER_ROUND)
            )
        )
    return [answer.status_code for answer in answers]


def crossings_and_recharges(rows: list[LedgerRow]) -> str:
    """The ledger read in order: "X" for a debit that crossed the threshold downwards, "R" for an
    auto-recharge credit. One recharge per crossing reads "XRXR..."."""
    marks = ""
    for row in rows:
        before = row.balance_after - row.amount
        if row.kind == "usage" and before >= THRESHOLD > row.balance_after:
            marks += "X"
        elif row.kind == "auto_recharge":
            marks += "R"
    return marks


async def test_three_processes_one_recharge_per_crossing_and_every_event_everywhere(
    three_servers: list[LiveServer],
) -> None:
    first = three_servers[0]
    key = make_api_key(first)
    owner = first.make_owner(balance=2500)
    account = owner.account_id
    enable_auto_recharge(first, owner, threshold=THRESHOLD, amount=RECHARGE)
    start = max((seq for seq, _ in event_ids(first, account, 0)), default=0)

    async with contextlib.AsyncExitStack() as stack:
        watchers = [
            await stack.enter_async_context(collect_events(s, owner)) for s in three_servers
        ]
        for round_ in range(1, ROUNDS + 1):
            # Just enough to cross once, never enough to reach zero (the recharge may land
            # mid-round or after it: either way the balance crosses exactly once).
            amount = math.ceil((first.balance(account) - THRESHOLD + 1) / DEBITS_PER_ROUND)
            statuses = await send_usage_to_all(three_servers, key, account, amount)
            assert statuses == [201] * DEBITS_PER_ROUND
            await wait_for_async(
                lambda round_=round_: (
                    len(recharge_entries(first, account)) == round_
                    and no_open_intent(first, account)
                )
            )

        expected = event_ids(first, account, start)
        await wait_for_async(lambda: all(len(w.received) >= len(expected) for w in watchers))

    # The bank charged once per crossing, and the ledger says the same, in order.
    assert first.charge_count(account) == ROUNDS
    rows = first.ledger(account)
    assert crossings_and_recharges(rows) == "XR" * ROUNDS
    assert [(status, outcome) for status, outcome in intents(first, account)] == [
        ("succeeded", None)
    ] * ROUNDS
    # Every entry follows from the one before, and the balance is their sum.
    running = 0
    for row in rows:
        running += row.amount
        assert row.balance_after == running
    assert first.balance(account) == running
    assert all(row.amount == RECHARGE for row in rows if row.kind == "auto_recharge")

    # Each process's client saw every event, once, in order, whichever process caused it.
    types = [type_ for _, type_ in expected]
    assert types.count("auto_recharge.succeeded") == ROUNDS
    assert types.count("low_balance") == ROUNDS
    assert types.count("balance.updated") == ROUNDS * (DEBITS_PER_ROUND + 1)
    for watcher in watchers:
        assert [(seq, type_) for seq, type_, _ in watcher.received] == expected


async def test_card_changes_through_three_processes_leave_exactly_one_default(
    three_servers: list[LiveServer],
) -> None:
    owner = three_servers[0].make_owner(with_card=False)
    cards = [("4242424242424242", "123"), ("5555555555554444", "123"), ("378282246310005", "1234")]
    async with contextlib.AsyncExitStack() as stack:
        clients = [
            await stack.enter_async_context(
                httpx.AsyncClient(base_url=s.url, headers=owner.headers, timeout=60)
            )
            for s in three_servers
        ]

        async def defaults() -> list[str]:
            listed = (await clients[0].get("/v1/payment-methods")).json()["data"]
            return [method["id"] for method in listed if method["is_default"]]

        # The first card saved becomes the default: three first cards at once, one default.
        tokens = [
            await card_token(
                client, {"number": number, "exp_month": 12, "exp_year": 2040, "cvc": cvc}
            )
            for client, (number, cvc) in zip(clients, cards, strict=True)
        ]
        added = await asyncio.gather(
            *(
                client.post("/v1/payment-methods", json={"card_token": token})
                for client, token in zip(clients, tokens, strict=True)
            )
        )
        assert [answer.status_code for answer in added] == [201, 201, 201]
        assert len(await defaults()) == 1
        ids = [answer.json()["id"] for answer in added]
        for turn in range(5):
            chosen = await asyncio.gather(
                *(
                    clients[(n + turn) % 3].post(f"/v1/payment-methods/{method_id}/default")
                    for n, method_id in enumerate(ids)
                )
            )
            assert [answer.status_code for answer in chosen] == [200, 200, 200]
            assert len(await defaults()) == 1
