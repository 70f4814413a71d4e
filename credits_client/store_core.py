"""The plumbing under AccountStore: state and subscribers, operations in flight, connection state,
the live event stream and background reloads. See store.py for the actions screens call."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import logging
from collections import Counter, deque
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, TypeVar

import stamina

from credits_client.api.client import CreditsClient
from credits_client.api.errors import ApiError, ServerUnreachable, SessionExpired
from credits_client.api.models import Event
from credits_client.session_file import SessionFile
from credits_client.state import AccountState, Operation
from credits_client.store_attempts import PendingAttempt
from credits_client.store_events import apply_event, needs_reload

log = logging.getLogger("credits_client.store")
T = TypeVar("T")
Unsubscribe = Callable[[], None]
_SIGNED_OUT_FIELDS = [
    "user",
    "account",
    "topup_options",
    "payment_methods",
    "auto_recharge",
    "auto_recharge_etag",
    "auto_recharge_draft",
    "transactions",
    "transactions_cursor",
    "transactions_complete",
    "transactions_kind",
    "support_requests",
    "last_event_id",
    "session_expired",
]
PAGE_SIZE = 50


# How long a sign-in waits for the event stream before reading the account anyway.
STREAM_WAIT_SECONDS = 1.0


class StoreCore:
    """State, subscribers and background work; AccountStore adds the actions."""

    def __init__(
        self,
        client: CreditsClient,
        *,
        server_key: str,
        api_url: str = "",
        session_file: SessionFile | None = None,
        connect_timeout: float = 30.0,
        poll_interval: float = 1.0,
        reconnect_delay: float = 1.0,
    ) -> None:
        self.client = client
        self.state = AccountState(api_url=api_url)
        self._server_key = server_key
        self._session_file = session_file or SessionFile()
        self._connect_timeout = connect_timeout
        self._poll_interval = poll_interval
        self._reconnect_delay = reconnect_delay
        self._subscribers: list[Callable[[AccountState], None]] = []
        self._event_subscribers: list[Callable[[Event], None]] = []
        self._operations: Counter[Operation] = Counter()
        # Idempotency keys of a payment and a support request whose outcome is not known yet.
        self._pending_payment: PendingAttempt | None = None
        self._pending_support: PendingAttempt | None = None
        self._events_task: asyncio.Task[None] | None = None
        # Set while a sign-in waits for the stream before reading everything (see
        # `_stream_then_refresh`); that read makes the stream's first catch-up read needless.
        self._stream_open: asyncio.Event | None = None
        self._refresh_follows = False
        self._probe_task: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        # Set by close(): from then on no background work starts (it would outlive the store).
        self._closing = False
        # Bumped whenever the data is wiped (sign-out, another account): answers to requests made
        # before that are stale and dropped.
        self._generation = 0
        # Top-ups whose effects were already fetched (after the POST answer or their event):
        # whichever of the two comes second needs no second reload.
        self._reloaded_topups: deque[str] = deque(maxlen=64)

    # --- observing -----------------------------------------------------------------------------
    def subscribe(self, callback: Callable[[AccountState], None]) -> Unsubscribe:
        """Call `callback(state)` after every change; returns the function that stops it."""
        self._subscribers.append(callback)
        return lambda: self._subscribers.remove(callback) if callback in self._subscribers else None

    def subscribe_events(self, callback: Callable[[Event], None]) -> Unsubscribe:
        """Call `callback(event)` for each server event, after the state has absorbed it."""
        self._event_subscribers.append(callback)
        return lambda: (
            self._event_subscribers.remove(callback)
            if callback in self._event_subscribers
            else None
        )

    def _set(self, **changes: Any) -> None:
        self.state = dataclasses.replace(self.state, **changes)
        for callback in list(self._subscribers):
            try:
                callback(self.state)
            except Exception:
                log.exception("a state subscriber failed")

    @contextlib.contextmanager
    def _busy(self, operation: Operation) -> Iterator[None]:
        self._operations[operation] += 1
        self._set(in_flight=frozenset(+self._operations))
        try:
            yield
        finally:
            self._operations[operation] -= 1
            self._set(in_flight=frozenset(+self._operations))

    async def _net(self, call: Awaitable[T]) -> T:
        """Await a client call, keeping the connection state and the session flag true."""
        try:
            result = await call
        except ServerUnreachable:
            if self.state.connection != "offline":
                self._set(connection="offline")
            self._start_probe()
            raise
        except SessionExpired:
            if self.state.user is not None:
                self._session_lost()
            raise
        if self.state.connection != "online":
            self._set(connection="online")
        return result

    async def settled(self, fetch: Callable[[], Awaitable[T]]) -> T:
        """`fetch()`, again if events were applied meanwhile (at most 3 times).

        An answer can be older than an event that arrived while it travelled; one fetched after
        the last event applied is at least as new as that event, so it never sets a balance back.
        """
        for _ in range(3):
            seen = self.state.last_event_id
            result = await fetch()
            if self.state.last_event_id == seen:
                break
        return result

    def _set_if_current(self, generation: int, **changes: Any) -> None:
        """Apply the answer of a request made in `generation`, unless the data was wiped since."""
        if generation == self._generation:
            self._set(**changes)
        else:
            log.debug("dropped a stale answer")

    def _signed_out(self) -> dict[str, Any]:
        """The state fields of nobody signed in; answers still on their way become stale."""
        self._generation += 1
        blank = AccountState()
        return {name: getattr(blank, name) for name in _SIGNED_OUT_FIELDS}

    def _session_lost(self) -> None:
        # Keep everything (the draft above all); the sign-in screen asks for the password again.
        self._session_file.forget()
        self._stop_events()
        self._set(session_expired=True)

    async def _optional(self, call: Awaitable[T]) -> T | None:
        """A read a member may be refused (403) or an older server may lack (404)."""
        try:
            return await self._net(call)
        except ApiError as error:
            if error.status in (403, 404):
                return None
            raise

    async def _reload_after_money_moved(self, *, cards_changed: bool = False) -> None:
        generation = self._generation
        kind = self.state.transactions_kind
        account, page = await self.settled(
            lambda: asyncio.gather(
                self._net(self.client.account()),
                self._net(self.client.transactions(limit=PAGE_SIZE, kind=kind)),
            )
        )
        changes: dict[str, Any] = {"account": account}
        newer = tuple(t for t in page.data if t.id not in {x.id for x in self.state.transactions})
        changes["transactions"] = newer + self.state.transactions
        if cards_changed:
            changes["payment_methods"] = tuple(
                (await self._net(self.client.payment_methods())).data
            )
        self._set_if_current(generation, **changes)

    # --- live events ---------------------------------------------------------------------------
    async def _stream_then_refresh(self) -> None:
        """Open the event stream, then read everything. The read starts after the stream, so it
        covers whatever happened before it: no catch-up read is needed (one request fewer at
        sign-in). A stream that has not connected in time catches up itself when it does."""
        self._stream_open = asyncio.Event()
        self._refresh_follows = True
        self._start_events()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stream_open.wait(), STREAM_WAIT_SECONDS)
        self._refresh_follows = False
        await self.refresh()

    def _start_events(self) -> None:
        if self._closing:
            return
        if self._events_task is None or self._events_task.done():
            self._events_task = asyncio.create_task(self._run_events(), name="credits-events")

    def _stop_events(self) -> None:
        task, self._events_task = self._events_task, None
        if task is not None and task is not asyncio.current_task():
            task.cancel()
        if self.state.live_events:
            self._set(live_events=False)

    async def _run_events(self) -> None:
        try:
            async for event in self.client.events(
                self.state.last_event_id,
                on_connection=self._on_stream_connection,
                reconnect_delay=self._reconnect_delay,
            ):
                self._set(**apply_event(self.state, event))
                reload = needs_reload(event)
                if reload and not self._already_reloaded(event):
                    self._spawn(functools.partial(self._reload, reload))
                for callback in list(self._event_subscribers):
                    try:
                        callback(event)
                    except Exception:
                        log.exception("an event subscriber failed")
        except SessionExpired:
            self._session_lost()
        except ApiError as error:
            log.info("no live events from this server (%s)", error.code)
        finally:
            if self._stream_open is not None:
                self._stream_open.set()  # nobody waits for a stream that ended
            if self.state.live_events:
                self._set(live_events=False)

    def _on_stream_connection(self, connected: bool) -> None:
        state = self.state
        if connected:
            was_away = state.connection in ("reconnecting", "offline")
            self._set(connection="online", live_events=True)
            if self._stream_open is not None:
                self._stream_open.set()
            if was_away:
                self._spawn(
                    functools.partial(self._reload, {"account", "transactions", "auto_recharge"})
                )
            elif state.last_event_id is None and not self._refresh_follows:
                # A fresh stream starts with what happens next: check nothing moved before it.
                self._spawn(self._catch_up)
        else:
            away = "reconnecting" if state.connection == "online" else state.connection
            self._set(connection=away, live_events=False)

    def first_reload_for_topup(self, topup_id: str) -> bool:
        """True the first time a top-up's effects are to be fetched, False after that."""
        if topup_id in self._reloaded_topups:
            return False
        self._reloaded_topups.append(topup_id)
        return True

    def _already_reloaded(self, event: Event) -> bool:
        if event.type != "topup.succeeded":
            return False
        topup = event.data.get("topup")
        topup_id = topup.get("id") if isinstance(topup, dict) else None
        return isinstance(topup_id, str) and not self.first_reload_for_topup(topup_id)

    async def _catch_up(self) -> None:
        """One read of the account; the history too only if the balance moved meanwhile."""
        generation = self._generation
        before = self.state.account
        account = await self.settled(lambda: self._net(self.client.account()))
        if before is not None and account.balance == before.balance:
            self._set_if_current(generation, account=account)
        else:
            await self._reload_after_money_moved()

    async def _reload(self, what: set[str]) -> None:
        if "auto_recharge" in what:
            generation = self._generation
            recharge = await self.settled(lambda: self._optional(self.client.auto_recharge()))
            if recharge is not None:
                self._set_if_current(
                    generation, auto_recharge=recharge[0], auto_recharge_etag=recharge[1]
                )
        if what & {"account", "transactions"}:
            await self._reload_after_money_moved()

    def _start_probe(self) -> None:
        """While offline and without an event stream, ask server-info until the server is back."""
        if self._probe_task is None or self._probe_task.done():
            self._probe_task = self._spawn(self._probe)

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
                info = await self.client.server_info()
        self._set(server=info, connection="online")
        if self.state.signed_in:
            await self.refresh()
            self._start_events()

    def _spawn(self, work: Callable[[], Awaitable[None]]) -> asyncio.Task[None] | None:
        """Run `work()` in the background, unless the store is closing.

        `work` is called inside the task: a task cancelled before its first step (close() right
        after a probe was started) then leaves no coroutine behind that was never awaited.
        """
        if self._closing:
            return None

        async def guarded() -> None:
            try:
                await work()
            except (ApiError, ServerUnreachable) as error:
                log.info("background reload failed: %s", error)

        task = asyncio.create_task(guarded())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def close(self) -> None:
        """Stop background work and close the connection pool; nothing starts after this."""
        self._closing = True
        tasks = [t for t in (self._events_task, self._probe_task, *self._tasks) if t is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await self.client.aclose()

    async def refresh(self) -> None:
        raise NotImplementedError


def ok(result: T | BaseException) -> T:
    """A result of `gather(return_exceptions=True)` that `raise_first` has checked."""
    if isinstance(result, BaseException):
        raise result
    return result


def raise_first(results: list[Any]) -> None:
    """Raise the most telling error of a gather: session expiry, then no server, then any."""
    errors = [r for r in results if isinstance(r, BaseException)]
    for kind in (SessionExpired, ServerUnreachable, BaseException):
        for error in errors:
            if isinstance(error, kind):
                raise error
