"""The store's state and who watches it: one frozen AccountState, replaced whole on every change."""

from __future__ import annotations

import contextlib
import dataclasses
import logging
from collections import Counter
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from credits_client.state import AccountState, Operation

if TYPE_CHECKING:
    from credits_client.api.models import Event

log = logging.getLogger("credits_client.store")
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
    "history_filter",
    "activity",
    "trend",
    "support_requests",
    "payment_link",
    "last_event_id",
    "session_expired",
]


class StateHolder:
    """The current state, its subscribers and the server events' subscribers, the operations in
    flight, and the generation of the data (which tells a stale answer from a current one)."""

    def __init__(self, state: AccountState) -> None:
        self.state = state
        self._subscribers: list[Callable[[AccountState], None]] = []
        self._event_subscribers: list[Callable[[Event], None]] = []
        self._operations: Counter[Operation] = Counter()
        # Bumped whenever the data is wiped (sign-out, another account): answers to requests made
        # before that are stale and dropped.
        self.generation = 0

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

    def set(self, **changes: Any) -> None:
        """Replace the state with one that has `changes`, and tell every subscriber."""
        self.state = dataclasses.replace(self.state, **changes)
        for callback in list(self._subscribers):
            try:
                callback(self.state)
            except Exception:
                log.exception("a state subscriber failed")

    def publish(self, event: Event) -> None:
        """Tell the event subscribers about `event` (already applied to the state)."""
        for callback in list(self._event_subscribers):
            try:
                callback(event)
            except Exception:
                log.exception("an event subscriber failed")

    @contextlib.contextmanager
    def busy(self, operation: Operation) -> Iterator[None]:
        """`operation` is in the state's `in_flight` while the block runs."""
        self._operations[operation] += 1
        self.set(in_flight=frozenset(+self._operations))
        try:
            yield
        finally:
            self._operations[operation] -= 1
            self.set(in_flight=frozenset(+self._operations))

    def set_if_current(self, generation: int, **changes: Any) -> None:
        """Apply the answer of a request made in `generation`, unless the data was wiped since."""
        if generation == self.generation:
            self.set(**changes)
        else:
            log.debug("dropped a stale answer")

    def signed_out(self) -> dict[str, Any]:
        """The state fields of nobody signed in; answers still on their way become stale."""
        self.generation += 1
        blank = AccountState()
        return {name: getattr(blank, name) for name in _SIGNED_OUT_FIELDS}
