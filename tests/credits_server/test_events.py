"""GET /v1/events: every client of an account gets its events, no other account's; resumable
with Last-Event-ID; keep-alive comments; recharge events. (A shutdown with streams open: see
test_recharge_processes.py.)"""

from __future__ import annotations

import httpx

from tests.support.engine import EventLog, collect_events, enable_auto_recharge, post_usage, usage
from tests.support.live_server import LiveServer
from tests.support.wait import wait_for_async


def types_of(log: EventLog) -> list[str]:
    return log.types()


async def test_two_clients_of_one_account_both_receive_and_another_account_none(
    engine_server: LiveServer, api_key: str
) -> None:
    owner = engine_server.make_owner(balance=5000)
    member = engine_server.add_user(owner.account_id)
    stranger = engine_server.make_owner(balance=5000)
    async with (
        collect_events(engine_server, owner) as first,
        collect_events(engine_server, member) as second,
        collect_events(engine_server, stranger) as other,
    ):
        post_usage(engine_server, api_key, usage(owner.account_id, 250))
        await wait_for_async(lambda: bool(first.received) and bool(second.received))
        # Now an event of the stranger's own: it must be the first thing that client sees.
        post_usage(engine_server, api_key, usage(stranger.account_id, 100))
        await wait_for_async(lambda: bool(other.received))
    for log in (first, second):
        assert log.received[0][1:] == ("balance.updated", {"balance": 4750, "currency": "USD"})
    assert [data for _, _, data in other.received] == [{"balance": 4900, "currency": "USD"}]


async def test_resumed_with_last_event_id_nothing_is_lost_or_repeated(
    engine_server: LiveServer, api_key: str
) -> None:
    owner = engine_server.make_owner(balance=5000)
    async with collect_events(engine_server, owner) as live:
        post_usage(engine_server, api_key, usage(owner.account_id, 100))
        await wait_for_async(lambda: len(live.received) == 1)
    first_id = live.received[0][0]
    # While nobody listens: two more debits and a settings change.
    post_usage(engine_server, api_key, usage(owner.account_id, 100))
    post_usage(engine_server, api_key, usage(owner.account_id, 100))
    enable_auto_recharge(engine_server, owner, threshold=1000, amount=2500)
    async with collect_events(engine_server, owner, last_event_id=first_id) as resumed:
        await wait_for_async(lambda: len(resumed.received) == 3)
    assert types_of(resumed) == ["balance.updated", "balance.updated", "settings.updated"]
    ids = [event_id for event_id, _, _ in resumed.received]
    assert ids == sorted(ids)
    assert ids[0] > first_id
    assert resumed.received[1][2]["balance"] == 4700
    assert resumed.received[2][2]["auto_recharge"]["enabled"] is True


async def test_recharge_and_low_balance_events(engine_server: LiveServer, api_key: str) -> None:
    owner = engine_server.make_owner(balance=1500, card_number="4000000000000341")
    enable_auto_recharge(engine_server, owner, threshold=1000, amount=2500)
    async with collect_events(engine_server, owner) as log:
        post_usage(engine_server, api_key, usage(owner.account_id, 600))
        await wait_for_async(lambda: "auto_recharge.disabled" in log.types())
    assert log.types().count("auto_recharge.failed") == 3
    assert "low_balance" in log.types()
    failed = [data for _, kind, data in log.received if kind == "auto_recharge.failed"]
    assert failed[0] == {"amount": 2500, "currency": "USD", "failure_code": "card_declined"}
    [disabled] = [data for _, kind, data in log.received if kind == "auto_recharge.disabled"]
    assert "3 declined attempts" in disabled["reason"]


async def test_a_top_up_is_an_event(engine_server: LiveServer) -> None:
    owner = engine_server.make_owner(balance=0)
    async with collect_events(engine_server, owner) as log:
        async with httpx.AsyncClient(base_url=engine_server.url, headers=owner.headers) as client:
            answer = await client.post(
                "/v1/topups",
                headers={"Idempotency-Key": "evt-1"},
                json={"amount": 2500, "payment_method_id": owner.payment_method_id},
            )
        assert answer.status_code == 201
        await wait_for_async(lambda: "balance.updated" in log.types())
    assert log.types()[:2] == ["topup.succeeded", "balance.updated"]
    topup = log.received[0][2]["topup"]
    assert (topup["id"], topup["status"], topup["balance_after"]) == (
        answer.json()["id"],
        "succeeded",
        2500,
    )


async def test_a_quiet_stream_sends_keep_alive_comments(engine_server: LiveServer) -> None:
    owner = engine_server.make_owner()
    async with collect_events(engine_server, owner) as log:
        await wait_for_async(lambda: log.comments >= 3)  # keep-alive every 0.3 s here
    assert log.received == []


def test_events_need_a_session(engine_server: LiveServer) -> None:
    answer = httpx.get(f"{engine_server.url}/v1/events")
    assert answer.status_code == 401
