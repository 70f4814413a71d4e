"""Client tests run with a clean CREDITS_TUI_* environment and private XDG directories."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.support.live_server import LiveServer, Owner
from tui.api.client import CreditsClient
from tui.api.transport import RetryPolicy


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
