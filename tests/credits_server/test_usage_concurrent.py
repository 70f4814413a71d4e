"""Single debits sent all at once (they share transactions: usage_queue) are each
answered, alerted and announced as if they had come one after another."""

from __future__ import annotations

import asyncio
from collections import Counter

import httpx

from tests.support.engine import collect_events, usage
from tests.support.live_server import LiveServer
from tests.support.wait import wait_for_async


async def send_all(
    server: LiveServer, key: str, bodies: list[dict[str, object]]
) -> list[httpx.Response]:
    headers = {"Authorization": f"Bearer {key}"}
    limits = httpx.Limits(max_connections=len(bodies))
    async with httpx.AsyncClient(
        base_url=server.url, headers=headers, limits=limits, timeout=60
    ) as client:
        return await asyncio.gather(*(client.post("/v1/usage", json=body) for body in bodies))


async def test_a_burst_past_the_balance_debits_until_empty_and_announces_each_debit(
    engine_server: LiveServer, api_key: str
) -> None:
    owner = engine_server.make_owner(balance=1500)  # low-balance level 1000, overdraft 0
    account = owner.account_id
    async with collect_events(engine_server, owner) as log:
        answers = await send_all(engine_server, api_key, [usage(account, 20) for _ in range(100)])
        await wait_for_async(lambda: log.types().count("balance.updated") >= 75)

    codes = Counter(answer.status_code for answer in answers)
    assert codes == {201: 75, 402: 25}
    assert {a.json()["code"] for a in answers if a.status_code == 402} == {"insufficient_credits"}
    applied = sorted(a.json()["balance_after"] for a in answers if a.status_code == 201)
    assert applied == list(range(0, 1500, 20))
    assert engine_server.balance(account) == 0
    # The ledger chains: each entry follows from the one before, as the answers said.
    rows = [row for row in engine_server.ledger(account) if row.kind == "usage"]
    assert [row.balance_after for row in rows] == sorted(applied, reverse=True)
    # Each debit its own balance update, in the ledger's order; one alert for the one crossing.
    shown = [data["balance"] for _, kind, data in log.received if kind == "balance.updated"]
    assert shown == [row.balance_after for row in rows]
    assert [data for _, kind, data in log.received if kind == "low_balance"] == [
        {"balance": 980, "level": 1000}
    ]
    ids = [event_id for event_id, _, _ in log.received]
    assert ids == sorted(set(ids))


async def test_the_same_reference_sent_twenty_times_at_once_debits_once(
    engine_server: LiveServer, api_key: str
) -> None:
    owner = engine_server.make_owner(balance=5000)
    account = owner.account_id
    bodies = [usage(account, 70, "call-42") for _ in range(20)]
    bodies += [usage(account, 5) for _ in range(20)]
    answers = await send_all(engine_server, api_key, bodies)

    repeated = answers[:20]
    assert sorted(a.status_code for a in repeated) == [200] * 19 + [201]
    assert len({a.json()["transaction_id"] for a in repeated}) == 1
    assert [a.status_code for a in answers[20:]] == [201] * 20
    assert engine_server.balance(account) == 5000 - 70 - 20 * 5
    rows = engine_server.ledger(account)
    assert [row.reference for row in rows].count("usage:call-42") == 1
