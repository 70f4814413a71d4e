"""The account's notification targets and dead letters (the Notifications screen, owner only).

Not part of the account state: only the Notifications screen shows them, and it asks afresh each
time (a target switched off by the server shows there the next time it is opened or changed).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from credits_client.api.client import CreditsClient
from credits_client.api.models import DeadLetter, NewNotificationTarget, NotificationTarget
from credits_core.notifications import DEFAULT

Net = Callable[[Awaitable[Any]], Awaitable[Any]]


def channel_of(address: str) -> str:
    """A URL is a webhook endpoint; anything else is taken for an email address."""
    return "webhook" if address.strip().lower().startswith(("https://", "http://")) else "email"


class Notifications:
    """Calls through the store's `_net`, so connection state and session expiry stay true."""

    def __init__(self, client: CreditsClient, net: Net) -> None:
        self._client = client
        self._net = net

    async def targets(self) -> list[NotificationTarget]:
        page = await self._net(self._client.notification_targets())
        return list(page.data)

    async def add(self, address: str, events: list[str] | None = None) -> NewNotificationTarget:
        """An email address or webhook URL, with the usual events unless others are given; a
        webhook's answer carries its signing secret, this once."""
        address = address.strip()
        wanted = list(DEFAULT) if events is None else events
        added: NewNotificationTarget = await self._net(
            self._client.add_notification_target(channel_of(address), address, wanted)
        )
        return added

    async def change(self, target_id: str, events: list[str], enabled: bool) -> NotificationTarget:
        changed: NotificationTarget = await self._net(
            self._client.change_notification_target(target_id, events, enabled)
        )
        return changed

    async def remove(self, target_id: str) -> None:
        await self._net(self._client.delete_notification_target(target_id))

    async def send_test(self, target_id: str) -> str:
        message_id: str = await self._net(self._client.test_notification_target(target_id))
        return message_id

    async def dead_letters(self) -> list[DeadLetter]:
        page = await self._net(self._client.notification_dead_letters())
        return list(page.data)
