"""The store's link to the server: every call passes here, which keeps the state's connection and
session flag true, probes for a server that went away, and runs the store's background work."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar

import stamina

from credits_client.api.errors import ApiError, ServerUnreachable, SessionExpired

if TYPE_CHECKING:
    from credits_client.api.client import CreditsClient
    from credits_client.api.models import ServerInfo
    from credits_client.store.holder import StateHolder

log = logging.getLogger("credits_client.store")
T = TypeVar("T")


class Link:
    """Calls to the server, the offline probe and background tasks.

    What follows a lost session or a server that is back (forgetting the session, reading
    everything again) belongs to the parts above; they are handed in as `session_lost` and
    `back_online`.
    """

    def __init__(
        self,
        client: CreditsClient,
        holder: StateHolder,
        *,
        reconnect_delay: float,
        session_lost: Callable[[], None],
        back_online: Callable[[], Awaitable[None]],
    ) -> None:
        self._client = client
        self._holder = holder
        self._reconnect_delay = reconnect_delay
        self._session_lost = session_lost
        self._back_online = back_online
        self._probe_task: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        # Set by close(): from then on no background work starts (it would outlive the store).
        self.closing = False

    async def net(self, call: Awaitable[T]) -> T:
        """Await a client call, keeping the connection state and the session flag true."""
        holder = self._holder
        try:
            result = await call
        except ServerUnreachable:
            if holder.state.connection != "offline":
                holder.set(connection="offline")
            self._start_probe()
            raise
        except SessionExpired:
            if holder.state.user is not None:
                self._session_lost()
            raise
        if holder.state.connection != "online":
            holder.set(connection="online")
        return result

    async def optional(self, call: Awaitable[T]) -> T | None:
        """A read a member may be refused (403) or an older server may lack (404)."""
        try:
            return await self.net(call)
        except ApiError as error:
            if error.status in (403, 404):
                return None
            raise

    async def settled(self, fetch: Callable[[], Awaitable[T]]) -> T:
        """`fetch()`, again if events were applied meanwhile (at most 3 times).

        An answer can be older than an event that arrived while it travelled; one fetched after
        the last event applied is at least as new as that event, so it never sets a balance back.
        """
        for _ in range(3):
            seen = self._holder.state.last_event_id
            result = await fetch()
            if self._holder.state.last_event_id == seen:
                break
        return result

    async def wait_for_server(self, seconds: float) -> ServerInfo:
        """server-info, asked until it answers or `seconds` have passed (then ServerUnreachable);
        with `seconds` 0 asked once, with the client's usual retries."""
        if seconds <= 0:
            return await self._client.server_info()
        async for attempt in stamina.retry_context(
            on=ServerUnreachable,
            attempts=None,
            timeout=seconds,
            wait_initial=0.1,
            wait_max=1.0,
            wait_jitter=0.1,
        ):
            with attempt:
                return await self._client.server_info()
        raise AssertionError("unreachable: stamina re-raises the last error")

    def went_offline(self) -> None:
        """No server answered: say so, and ask server-info in the background until one does."""
        self._holder.set(connection="offline")
        self._start_probe()

    def _start_probe(self) -> None:
        if self._probe_task is None or self._probe_task.done():
            self._probe_task = self.spawn(self._probe)

    async def _probe(self) -> None:
        async for attempt in stamina.retry_context(
            on=ServerUnreachable,
            attempts=None,
            timeout=None,
            wait_initial=self._reconnect_delay,
            wait_max=10.0,
            wait_jitter=min(1.0, self._reconnect_delay),
        ):
            with attempt:
                info = await self._client.server_info()
        self._holder.set(server=info, connection="online")
        if self._holder.state.signed_in:
            await self._back_online()

    def spawn(
        self, work: Callable[[], Awaitable[None]], *, name: str | None = None
    ) -> asyncio.Task[None] | None:
        """Run `work()` in the background, unless the store is closing.

        `work` is called inside the task: a task cancelled before its first step (close() right
        after a probe was started) then leaves no coroutine behind that was never awaited.
        """
        if self.closing:
            return None

        async def guarded() -> None:
            try:
                await work()
            except (ApiError, ServerUnreachable) as error:
                log.info("background work failed: %s", error)

        task = asyncio.create_task(guarded(), name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def close(self) -> None:
        """Cancel the background work and close the connection pool; nothing starts after this."""
        self.closing = True
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await self._client.aclose()
