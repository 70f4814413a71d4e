"""The signed-in person's SSH keys (for `credits-tui serve-ssh`): listed, added and removed.

Not part of the account state: only the SSH keys screen shows them, and it asks afresh each time.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from credits_client.api.client import CreditsClient
from credits_client.api.models import SshKey

Net = Callable[[Awaitable[Any]], Awaitable[Any]]


class SshKeys:
    """Calls through the store's `_net`, so connection state and session expiry stay true."""

    def __init__(self, client: CreditsClient, net: Net) -> None:
        self._client = client
        self._net = net

    async def list(self) -> list[SshKey]:
        page = await self._net(self._client.ssh_keys())
        return list(page.data)

    async def add(self, public_key: str) -> SshKey:
        added: SshKey = await self._net(self._client.add_ssh_key(public_key))
        return added

    async def remove(self, key_id: str) -> None:
        await self._net(self._client.delete_ssh_key(key_id))
