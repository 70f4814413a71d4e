"""Live events from the real server: the store follows usage without a refresh, and a stream cut
mid-event (a fault layered over the real stream) resumes with no event twice and none lost."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx

from credits_client.api.client import CreditsClient
from credits_client.api.models import Event
from tests.credits_client.conftest import FAST_RETRIES, StoreFactory, until
from tests.support.faults import Action, FaultyLink, held
from tests.support.live_server import LiveServer, Owner


def api_key(live_server: LiveServer) -> str:
    async def make(ctx: Any) -> str:
        from credits_server.services.api_keys import create_api_key

        return (await create_api_key(ctx, "telephony tests")).key

    return live_server.run(make)


def server_event_ids(live_server: LiveServer, account_id: str) -> list[int]:
    async def read(ctx: Any) -> list[int]:
        from credits_server.services.events import events_after

        return [event.seq for event in await events_after(ctx, account_id, 0, limit=1000)]

    return live_server.run(read)


async def post_usage(live_server: LiveServer, key: str, account_id: str, amount: int) -> None:
    record = {
        "account_id": account_id,
        "amount": amount,
        "kind": "call",
        "reference": str(uuid.uuid4()),
    }
    async with httpx.AsyncClient() as telephony:
        answer = await telephony.post(
            f"{live_server.url}/v1/usage",
            json=record,
            headers={"Authorization": f"Bearer {key}"},
        )
    assert answer.status_code == 201, answer.text


async def test_usage_reaches_the_store_as_it_happens(
    live_server: LiveServer, owner: Owner, make_store: StoreFactory
) -> None:
    store = make_store()
    seen: list[Event] = []
    store.subscribe_events(seen.append)
    await store.login(owner.email, owner.password, remember=False)
    await until(store, lambda s: s.live_events)
    key = api_key(live_server)

    await post_usage(live_server, key, owner.account_id, 700)
    await until(store, lambda s: s.account is not None and s.account.balance == 4300)
    await post_usage(live_server, key, owner.account_id, 300)
    await until(store, lambda s: s.account is not None and s.account.balance == 4000)

    assert live_server.balance(owner.account_id) == 4000
    # The history read after the first debit may bring the balance before the second event.
    last = max(server_event_ids(live_server, owner.account_id))
    await until(store, lambda s: s.last_event_id == last)
    assert "balance.updated" in [event.type for event in seen]
    assert any(t.kind == "usage" and t.amount == -300 for t in store.state.transactions)


class _CutStream(httpx.AsyncByteStream):
    """The real event stream, cut in the middle of its `cut_at`-th event."""

    def __init__(self, real: httpx.Response, cut_at: int) -> None:
        self.real = real
        self.cut_at = cut_at

    async def __aiter__(self) -> AsyncIterator[bytes]:
        events = 0
        async for chunk in self.real.aiter_raw():
            events += chunk.count(b"id: ")
            if events >= self.cut_at:
                yield chunk[: len(chunk) // 2]
                raise httpx.ReadError("connection reset by peer")
            yield chunk

    async def aclose(self) -> None:
        await self.real.aclose()


def cut_stream(at_event: int) -> Action:
    async def action(request: httpx.Request, real: httpx.AsyncBaseTransport) -> httpx.Response:
        response = await real.handle_async_request(request)
        return httpx.Response(
            response.status_code,
            headers=response.headers,
            stream=_CutStream(response, at_event),
            request=request,
        )

    return action


async def test_a_real_stream_cut_mid_event_resumes_with_nothing_twice_and_nothing_lost(
    live_server: LiveServer, owner: Owner, api: CreditsClient
) -> None:
    link = FaultyLink()
    link.add("GET", "/v1/events", cut_stream(at_event=3))
    client = CreditsClient(live_server.url, transport=link, retry=FAST_RETRIES)
    client.set_token(owner.token)
    connected = asyncio.Event()
    links: list[bool] = []

    def on_connection(up: bool) -> None:
        links.append(up)
        if up:
            connected.set()

    received: list[Event] = []
    wanted = 12  # six top-ups: balance.updated and topup.succeeded each

    async def listen() -> None:
        async for event in client.events(on_connection=on_connection, reconnect_delay=0.05):
            received.append(event)
            if len(received) == wanted:
                return

    listening = asyncio.create_task(listen())
    await asyncio.wait_for(connected.wait(), timeout=10)
    for _ in range(6):
        await api.create_topup(
            500 + 500, idempotency_key=str(uuid.uuid4()), payment_method_id=owner.payment_method_id
        )
    await asyncio.wait_for(listening, timeout=20)
    await client.aclose()

    ids = [event.id for event in received]
    on_server = server_event_ids(live_server, owner.account_id)
    assert ids == on_server[-wanted:]
    assert len(set(ids)) == len(ids)
    assert links == [True, False, True]
    balances = [e.data["balance"] for e in received if e.type == "balance.updated"]
    assert balances[-1] == live_server.balance(owner.account_id) == 5000 + 6 * 1000


async def test_an_auto_recharge_on_the_server_reaches_the_store(
    live_server: LiveServer, owner: Owner, make_store: StoreFactory
) -> None:
    store = make_store()
    seen: list[str] = []
    store.subscribe_events(lambda event: seen.append(event.type))
    await store.login(owner.email, owner.password, remember=False)
    assert store.state.auto_recharge is not None
    await store.save_auto_recharge(
        store.state.auto_recharge.as_update().model_copy(
            update={
                "enabled": True,
                "mode": "add",
                "threshold": 2000,
                "amount": 5000,
                "payment_method_id": owner.payment_method_id,
            }
        )
    )
    await until(store, lambda s: s.live_events)

    await post_usage(live_server, api_key(live_server), owner.account_id, 3500)

    await until(store, lambda s: s.account is not None and s.account.balance == 6500, limit=20)
    assert live_server.balance(owner.account_id) == 6500
    # The balance may arrive (balance.updated) before the recharge's own event: wait for both
    # the event and the transactions it makes the store read again.
    await until(
        store,
        lambda s: (
            "auto_recharge.succeeded" in seen
            and any(t.kind == "auto_recharge" for t in s.transactions)
        ),
        limit=20,
    )
    assert store.state.account is not None
    assert not store.state.account.low_balance


async def test_an_answer_older_than_an_event_never_sets_the_balance_back(
    live_server: LiveServer, owner: Owner, make_store: StoreFactory
) -> None:
    link = FaultyLink()
    store = make_store(link)
    await store.login(owner.email, owner.password, remember=False)
    await until(store, lambda s: s.live_events)
    # The sign-in reads the account once, after the stream opened (no separate catch-up read).
    await link.wait_answered("/v1/account", 1)
    arrived, release = asyncio.Event(), asyncio.Event()
    link.add("GET", "/v1/account", held(arrived, release))

    refreshing = asyncio.create_task(store.refresh())
    await asyncio.wait_for(arrived.wait(), timeout=10)  # the server said 5000; still in transit
    await post_usage(live_server, api_key(live_server), owner.account_id, 300)
    await until(store, lambda s: s.account is not None and s.account.balance == 4700)
    release.set()
    await asyncio.wait_for(refreshing, timeout=10)

    assert store.state.account is not None
    assert store.state.account.balance == 4700 == live_server.balance(owner.account_id)
    assert any(t.kind == "usage" for t in store.state.transactions)
