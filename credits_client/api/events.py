"""The event stream (GET /v1/events): reconnects with Last-Event-ID and never repeats an event.

Event ids increase per account, so anything at or below the last id delivered is a replay after a
reconnect and is dropped.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncGenerator, Callable
from typing import TYPE_CHECKING

import httpx
import stamina
from httpx_sse import EventSource, ServerSentEvent, SSEError
from pydantic import ValidationError

from credits_client.api.errors import ServerUnreachable
from credits_client.api.models import Event

if TYPE_CHECKING:
    from credits_client.api.client import CreditsClient

log = logging.getLogger("credits_client.api.events")


class EventStream:
    """Iterate to receive events forever; SessionExpired or another ApiError ends the iteration."""

    def __init__(
        self,
        client: CreditsClient,
        *,
        last_event_id: int | None = None,
        on_connection: Callable[[bool], None] | None = None,
        reconnect_delay: float = 1.0,
        reconnect_max: float = 15.0,
    ) -> None:
        self._client = client
        self.last_event_id = last_event_id
        self._on_connection = on_connection
        self._delay = reconnect_delay
        self._reconnect_max = reconnect_max
        self._connected: bool | None = None

    def _set_connected(self, connected: bool) -> None:
        if connected != self._connected:
            self._connected = connected
            if self._on_connection is not None:
                self._on_connection(connected)

    async def __aiter__(self) -> AsyncGenerator[Event, None]:
        while True:
            response = await self._connect()
            self._set_connected(True)
            try:
                async for sse in EventSource(response).aiter_sse():
                    if sse.retry is not None:
                        self._delay = sse.retry / 1000
                    event = _parse(sse)
                    if event is None or self._seen(event):
                        continue
                    self.last_event_id = event.id
                    yield event
                log.info("event stream ended by the server; reconnecting")
            except (httpx.TransportError, SSEError) as error:
                log.info("event stream cut (%s); reconnecting", type(error).__name__)
            finally:
                await response.aclose()
            self._set_connected(False)
            await asyncio.sleep(self._delay)

    def _seen(self, event: Event) -> bool:
        return self.last_event_id is not None and event.id <= self.last_event_id

    async def _connect(self) -> httpx.Response:
        # Keep trying while the server is away; typed API errors (401, 404) are not retried.
        async for attempt in stamina.retry_context(
            on=ServerUnreachable,
            attempts=None,
            timeout=None,
            wait_initial=self._delay,
            wait_max=self._reconnect_max,
            wait_jitter=min(1.0, self._delay),
        ):
            with attempt:
                try:
                    return await self._client.open_event_stream(self.last_event_id)
                except ServerUnreachable:
                    self._set_connected(False)
                    raise
        raise AssertionError("unreachable: retries forever")


def _parse(sse: ServerSentEvent) -> Event | None:
    if not sse.data:
        return None
    try:
        payload = json.loads(sse.data)
        return Event.model_validate(
            {**payload, "id": sse.id, "type": payload.get("type") or sse.event}
        )
    except (json.JSONDecodeError, AttributeError, ValidationError):
        log.warning("ignored an unreadable event (id %r, type %r)", sse.id, sse.event)
        return None
