"""Snapshots of the sign-in screen: connecting, offline, demo hint, wrong password."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from tests.screens.conftest import MakeApp
from tests.screens.snapshot_support import SIZE_IDS, SIZES
from tests.support.faults import FaultyLink
from tests.support.live_server import ServerProcess, start_server
from tests.support.pilot import settle, type_text
from tests.support.wait import wait_for_async

pytestmark = pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    server = start_server(tmp_path_factory.mktemp("demo-server"), demo=True)
    try:
        yield server
    finally:
        server.stop()


def test_login_connecting(snap_compare: Any, make_app: MakeApp, size: tuple[int, int]) -> None:
    """The server is still starting: the screen paints at once and says so."""
    transport = FaultyLink()
    transport.hold("/v1/server-info")
    app = make_app(transport=transport)

    async def run_before(pilot: Pilot[Any]) -> None:
        # The connect worker is waiting for the server on purpose: no waiting for workers here.
        await pilot.pause()
        await wait_for_async(lambda: app.account_state.busy("connect"), pilot=pilot)
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=run_before)


def test_login_offline(
    snap_compare: Any, make_app: MakeApp, tmp_path: Path, size: tuple[int, int]
) -> None:
    """Nothing listens at the server's address: "Server unreachable", still retrying."""
    app = make_app(url="http://127.0.0.1:9", connect_timeout=0.3)

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await wait_for_async(lambda: app.account_state.connection == "offline", pilot=pilot)
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=run_before)


def test_login_demo_server(
    snap_compare: Any, make_app: MakeApp, demo_server: ServerProcess, size: tuple[int, int]
) -> None:
    """The embedded demo server publishes its credentials; the screen shows them."""
    app = make_app(url=demo_server.url)

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


def test_login_wrong_password(snap_compare: Any, make_app: MakeApp, size: tuple[int, int]) -> None:
    app = make_app()

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await type_text(pilot, f"nobody-{size[0]}@acme.test")
        await pilot.press("enter")
        await type_text(pilot, "not-the-password")
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)
