"""The account's audit trail (the Activity screen): read page by page, newest first.

Not part of the account state: only the Activity screen shows it, and it asks afresh each time.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from credits_client.api.client import CreditsClient
from credits_client.api.models import ActivityItem

Net = Callable[[Awaitable[Any]], Awaitable[Any]]
PAGE_SIZE = 50


@dataclass(frozen=True, slots=True)
class ActivityPage:
    items: tuple[ActivityItem, ...]
    next_cursor: str | None


class Activity:
    """Calls through the store's `_net`, so connection state and session expiry stay true."""

    def __init__(self, client: CreditsClient, net: Net) -> None:
        self._client = client
        self._net = net

    async def page(self, kind: str | None = None, cursor: str | None = None) -> ActivityPage:
        """A page of actions starting with `kind` (None: every action) after `cursor`."""
        page = await self._net(self._client.activity(limit=PAGE_SIZE, cursor=cursor, kind=kind))
        return ActivityPage(tuple(page.data), page.next_cursor)
