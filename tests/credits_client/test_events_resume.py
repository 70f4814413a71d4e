"""The event stream cut mid-way and resumed: no event twice, none lost (faults: MockTransport)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import httpx

from credits_client.api.client import CreditsClient
from credits_client.api.models import Event
from credits_client.api.transport import RetryPolicy

FAST = RetryPolicy(attempts=3, wait_initial=0.01, wait_max=0.02, wait_jitter=0.0)


def sse(event_id: int, balance: int) -> bytes:
    body = {
        "type": "balance.updated",
        "created_at": "2026-01-01T00:00:00Z",
        "data": {"balance": balance, "currency": "USD"},
    }
    return f"id: {event_id}\nevent: balance.updated\ndata: {json.dumps(body)}\n\n".encode()


class FlakyEventSource:
    """A server's event log; the first stream is cut in the middle of event 5, and the server
    resumes one event early (a replay the client must drop)."""

    def __init__(self, total: int) -> None:
        self.log = [(i, 1000 + i) for i in range(1, total + 1)]
        self.connections = 0

    async def handler(self, request: httpx.Request) -> httpx.Response:
        self.connections += 1
        last = int(request.headers.get("Last-Event-ID", "0"))
        cut = self.connections == 1
        start = max(0, last - 1)  # resume one early: event `last` comes again

        async def body() -> AsyncIterator[bytes]:
            yield b": keep-alive\n\n"
            for event_id, balance in self.log[start:]:
                chunk = sse(event_id, balance)
                if cut and event_id == 5:
                    yield chunk[: len(chunk) // 2]
                    raise httpx.ReadError("connection reset by peer")
                yield chunk

        return httpx.Response(200, headers={"Content-Type": "text/event-stream"}, content=body())


async def test_cut_and_resumed_stream_delivers_each_event_once() -> None:
    source = FlakyEventSource(total=10)
    client = CreditsClient(
        "http://credits.test", transport=httpx.MockTransport(source.handler), retry=FAST
    )
    client.set_token("t")
    seen: list[Event] = []
    links: list[bool] = []

    async def consume() -> None:
        async for event in client.events(on_connection=links.append, reconnect_delay=0.01):
            seen.append(event)
            if len(seen) == 10:
                return

    await asyncio.wait_for(consume(), timeout=10)
    await client.aclose()

    assert [event.id for event in seen] == list(range(1, 11))
    assert [event.data["balance"] for event in seen][-1] == 1010
    assert source.connections == 2
    assert links == [True, False, True]


async def test_stream_waits_out_a_server_that_is_down() -> None:
    calls = 0

    async def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        if calls <= 4:
            raise httpx.ConnectError("connection refused")
        return httpx.Response(
            200, headers={"Content-Type": "text/event-stream"}, content=sse(1, 500)
        )

    client = CreditsClient(
        "http://credits.test", transport=httpx.MockTransport(handler), retry=FAST
    )
    links: list[bool] = []
    stream = client.events(on_connection=links.append, reconnect_delay=0.01)
    first = await asyncio.wait_for(anext(stream), timeout=10)
    await stream.aclose()
    await client.aclose()
    assert first.data == {"balance": 500, "currency": "USD"}
    assert links == [False, True]
