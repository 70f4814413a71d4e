"""Helpers shared by the server tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from tests.support.live_server import LiveServer, Owner


@pytest.fixture
async def client(live_server: LiveServer, owner: Owner) -> AsyncIterator[httpx.AsyncClient]:
    """An API client signed in as `owner`."""
    async with httpx.AsyncClient(
        base_url=live_server.url, headers=owner.headers, timeout=30
    ) as client:
        yield client
