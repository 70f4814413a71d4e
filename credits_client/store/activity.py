"""The account's audit trail (the Activity screen): read page by page, newest first, into
`state.activity` while the screen shows it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from credits_client.state import ActivityTrail

if TYPE_CHECKING:
    from credits_client.api.client import CreditsClient
    from credits_client.api.models import ActivityItem
    from credits_client.store.holder import StateHolder

Net = Callable[[Awaitable[Any]], Awaitable[Any]]
PAGE_SIZE = 50


@dataclass(frozen=True, slots=True)
class ActivityPage:
    items: tuple[ActivityItem, ...]
    next_cursor: str | None


class Activity:
    """Calls through the store's `_net`, so connection state and session expiry stay true."""

    def __init__(self, client: CreditsClient, holder: StateHolder, net: Net) -> None:
        self._client = client
        self._holder = holder
        self._net = net

    async def page(self, kind: str | None = None, cursor: str | None = None) -> ActivityPage:
        """A page of actions starting with `kind` (None: every action) after `cursor`."""
        page = await self._net(self._client.activity(limit=PAGE_SIZE, cursor=cursor, kind=kind))
        return ActivityPage(tuple(page.data), page.next_cursor)

    async def start(self, kind: str | None) -> None:
        """The trail of `kind` from its newest action into `state.activity`, in place of any
        other; "activity" is in flight meanwhile."""
        trail = ActivityTrail(kind)
        self._holder.set(activity=trail)
        await self._next_page(trail)

    async def more(self) -> None:
        """The next page of `state.activity`, unless it is all there."""
        trail = self._holder.state.activity
        if trail is not None and not trail.complete:
            await self._next_page(trail)

    def drop(self) -> None:
        """Forget the trail (the screen that showed it is gone)."""
        self._holder.set(activity=None)

    async def _next_page(self, trail: ActivityTrail) -> None:
        holder = self._holder
        with holder.busy("activity"):
            generation = holder.generation
            page = await self.page(trail.kind, trail.cursor)
            if holder.state.activity is not trail:
                return  # another filter (or none) was asked for meanwhile
            known = {item.id for item in trail.items}
            items = trail.items + tuple(item for item in page.items if item.id not in known)
            done = ActivityTrail(trail.kind, items, page.next_cursor, page.next_cursor is None)
            holder.set_if_current(generation, activity=done)
