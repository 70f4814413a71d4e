"""A batch of debits: its entries chain balance_after in order, and its events are one low-balance
alert per crossing and one balance update, in that order with increasing ids."""

from __future__ import annotations

import asyncio

from tests.support.engine import collect_events, post_usage, usage
from tests.support.live_server import LiveServer
from tests.support.wait import wait_for_async


async def test_a_batch_crossing_the_low_level_alerts_once_then_shows_the_balance(
    engine_server: LiveServer, api_key: str
) -> None:
    owner = engine_server.make_owner(balance=1500)  # low-balance level: 1000 (no auto-recharge)
    account = owner.account_id
    records = [usage(account, 300, "x-1"), usage(account, 300, "x-2"), usage(account, 300, "x-3")]
    async with collect_events(engine_server, owner) as log:
        answer = await asyncio.to_thread(post_usage, engine_server, api_key, {"records": records})
        await wait_for_async(lambda: "balance.updated" in log.types())
    assert [r["balance_after"] for r in answer.json()["results"]] == [1200, 900, 600]
    assert [(kind, data) for _, kind, data in log.received] == [
        ("low_balance", {"balance": 900, "level": 1000}),
        ("balance.updated", {"balance": 600, "currency": "USD"}),
    ]
    ids = [event_id for event_id, _, _ in log.received]
    assert ids == sorted(ids)
    assert len(set(ids)) == 2
    rows = engine_server.ledger(account)
    assert [(row.kind, row.amount, row.balance_after) for row in rows][-3:] == [
        ("usage", -300, 1200),
        ("usage", -300, 900),
        ("usage", -300, 600),
    ]
    assert engine_server.balance(account) == 600
    again = await asyncio.to_thread(post_usage, engine_server, api_key, {"records": records})
    assert [r["status"] for r in again.json()["results"]] == ["duplicate"] * 3
    assert [r["transaction_id"] for r in again.json()["results"]] == [
        r["transaction_id"] for r in answer.json()["results"]
    ]
    assert engine_server.balance(account) == 600
