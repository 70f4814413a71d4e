"""Client tests run with a clean CREDITS_TUI_* environment and private XDG directories."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import httpx
import pytest

from credits_client.api.client import CreditsClient
from credits_client.api.transport import RetryPolicy
from credits_client.session_file import SessionFile
from credits_client.state import AccountState
from credits_client.store import AccountStore
from tests.support.live_server import LiveServer, Owner


@pytest.fixture(autouse=True)
def clean_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in list(os.environ):
        if name.startswith("CREDITS_TUI_"):
            monkeypatch.delenv(name)
    for name in ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_DATA_HOME"):
        monkeypatch.setenv(name, str(tmp_path / name.lower()))
    return tmp_path


FAST_RETRIES = RetryPolicy(attempts=3, wait_initial=0.01, wait_max=0.05, wait_jitter=0.01)


@pytest.fixture
async def api(live_server: LiveServer, owner: Owner) -> AsyncIterator[CreditsClient]:
    """A client of the live server signed in as `owner` ($50.00 and a saved Visa 4242)."""
    client = CreditsClient(live_server.url, retry=FAST_RETRIES)
    client.set_token(owner.token)
    yield client
    await client.aclose()


StoreFactory = Callable[..., AccountStore]


@pytest.fixture
async def make_store(live_server: LiveServer, tmp_path: Path) -> AsyncIterator[StoreFactory]:
    """Stores of the live server (through `link` when given), sharing one session file."""
    stores: list[AccountStore] = []

    def factory(
        link: httpx.AsyncBaseTransport | None = None,
        url: str | None = None,
        connect_timeout: float = 20,
    ) -> AccountStore:
        base = url or live_server.url
        client = CreditsClient(base, transport=link, retry=FAST_RETRIES)
        store = AccountStore(
            client,
            server_key=base,
            api_url=base,
            session_file=SessionFile(tmp_path / "session.json"),
            connect_timeout=connect_timeout,
            poll_interval=0.05,
            reconnect_delay=0.05,
        )
        stores.append(store)
        return store

    yield factory
    for store in stores:
        await store.close()


async def until(
    store: AccountStore, check: Callable[[AccountState], bool], limit: float = 10
) -> None:
    """Wait for the store's state to satisfy `check` (woken by the store's own notifications)."""
    changed = asyncio.Event()
    unsubscribe = store.subscribe(lambda _state: changed.set())
    try:
        async with asyncio.timeout(limit):
            while not check(store.state):
                await changed.wait()
                changed.clear()
    finally:
        unsubscribe()
