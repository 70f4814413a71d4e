"""Live updates: the server's event stream applied to the state as it arrives, the reloads for
what an event does not carry whole, and the connection state the stream reports."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from credits_client.api.errors import ApiError, SessionExpired
from credits_client.store.events import apply_event, needs_reload

if TYPE_CHECKING:
    from credits_client.api.client import CreditsClient
    from credits_client.store.holder import StateHolder
    from credits_client.store.link import Link
    from credits_client.store.reads import Reads

log = logging.getLogger("credits_client.store")

# How long a sign-in waits for the event stream before reading the account anyway.
STREAM_WAIT_SECONDS = 1.0


class LiveUpdates:
    """The event stream of the person signed in, and what it starts when it connects."""

    def __init__(
        self,
        client: CreditsClient,
        holder: StateHolder,
        link: Link,
        reads: Reads,
        *,
        reconnect_delay: float,
        session_lost: Callable[[], None],
    ) -> None:
        self._client = client
        self._holder = holder
        self._link = link
        self._reads = reads
        self._reconnect_delay = reconnect_delay
        self._session_lost = session_lost
        self._task: asyncio.Task[None] | None = None
        # Set while a sign-in waits for the stream before reading everything (see
        # `stream_then_refresh`); that read makes the stream's first catch-up read needless.
        self._stream_open: asyncio.Event | None = None
        self._refresh_follows = False

    async def stream_then_refresh(self) -> None:
        """Open the event stream, then read everything. The read starts after the stream, so it
        covers whatever happened before it: no catch-up read is needed (one request fewer at
        sign-in). A stream that has not connected in time catches up itself when it does."""
        self._stream_open = asyncio.Event()
        self._refresh_follows = True
        self.start()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stream_open.wait(), STREAM_WAIT_SECONDS)
        self._refresh_follows = False
        await self._reads.refresh()

    async def back_online(self) -> None:
        """The server answers again after an outage: read everything, then follow its events."""
        await self._reads.refresh()
        self.start()

    def start(self) -> None:
        """Follow the event stream, unless already following it or the store is closing."""
        if self._task is None or self._task.done():
            self._task = self._link.spawn(self._run, name="credits-events")

    def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None and task is not asyncio.current_task():
            task.cancel()
        if self._holder.state.live_events:
            self._holder.set(live_events=False)

    async def _run(self) -> None:
        holder = self._holder
        try:
            async for event in self._client.events(
                holder.state.last_event_id,
                on_connection=self._on_connection,
                reconnect_delay=self._reconnect_delay,
            ):
                holder.set(**apply_event(holder.state, event))
                reload = needs_reload(event, holder.state)
                if reload and not self._reads.already_reloaded(event):
                    self._link.spawn(functools.partial(self._reads.parts, reload))
                holder.publish(event)
        except SessionExpired:
            self._session_lost()
        except ApiError as error:
            log.info("no live events from this server (%s)", error.code)
        finally:
            if self._stream_open is not None:
                self._stream_open.set()  # nobody waits for a stream that ended
            if holder.state.live_events:
                holder.set(live_events=False)

    def _on_connection(self, connected: bool) -> None:
        holder = self._holder
        state = holder.state
        if connected:
            was_away = state.connection in ("reconnecting", "offline")
            holder.set(connection="online", live_events=True)
            if self._stream_open is not None:
                self._stream_open.set()
            if was_away:
                everything = {"account", "transactions", "auto_recharge"}
                self._link.spawn(functools.partial(self._reads.parts, everything))
            elif state.last_event_id is None and not self._refresh_follows:
                # A fresh stream starts with what happens next: check nothing moved before it.
                self._link.spawn(self._reads.catch_up)
        else:
            away = "reconnecting" if state.connection == "online" else state.connection
            holder.set(connection=away, live_events=False)
