"""Snapshots of the dashboard: normal, low balance, auto-recharge on, empty, loading, offline."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot

from tests.screens.conftest import MakeApp, fixed_owner
from tests.screens.snapshot_support import SIZE_IDS, SIZES, signed_in, turn_auto_recharge_on
from tests.support.faults import FaultyLink
from tests.support.live_server import LiveServer
from tests.support.wait import wait_for_async

pytestmark = pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)


def test_dashboard(
    snap_compare: Any, make_app: MakeApp, live_server: LiveServer, size: tuple[int, int]
) -> None:
    owner = fixed_owner(live_server)
    app = make_app(signed_in_as=owner)
    assert snap_compare(app, terminal_size=size, run_before=signed_in())


def test_dashboard_low_balance(
    snap_compare: Any, make_app: MakeApp, live_server: LiveServer, size: tuple[int, int]
) -> None:
    """Under the server's warning level with auto-recharge off: said in colour and in words."""
    owner = fixed_owner(live_server, balance=750)
    app = make_app(signed_in_as=owner)
    assert snap_compare(app, terminal_size=size, run_before=signed_in())


def test_dashboard_auto_recharge_on(
    snap_compare: Any, make_app: MakeApp, live_server: LiveServer, size: tuple[int, int]
) -> None:
    owner = fixed_owner(live_server, balance=4250)
    turn_auto_recharge_on(live_server, owner, threshold=2000, amount=5000)
    app = make_app(signed_in_as=owner)
    assert snap_compare(app, terminal_size=size, run_before=signed_in())


def test_dashboard_empty(
    snap_compare: Any, make_app: MakeApp, live_server: LiveServer, size: tuple[int, int]
) -> None:
    """A new account: no balance, no card, no history yet."""
    owner = live_server.make_owner(0, with_card=False, name="Acme Phones Ltd")
    app = make_app(signed_in_as=owner)
    assert snap_compare(app, terminal_size=size, run_before=signed_in())


def test_dashboard_loading(
    snap_compare: Any,
    make_app: MakeApp,
    live_server: LiveServer,
    size: tuple[int, int],
) -> None:
    """A remembered session opens the dashboard at once; the account is still on its way."""
    owner = fixed_owner(live_server)
    transport = FaultyLink()
    transport.hold("/v1/account")
    app = make_app(transport=transport, signed_in_as=owner)

    async def run_before(pilot: Pilot[Any]) -> None:
        # The refresh waits for the held answer on purpose: no waiting for workers here.
        await pilot.pause()
        await wait_for_async(lambda: app.account_state.busy("refresh"), pilot=pilot)
        await wait_for_async(lambda: type(app.screen).__name__ == "DashboardScreen", pilot=pilot)
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=run_before)


def test_dashboard_offline(
    snap_compare: Any, make_app: MakeApp, live_server: LiveServer, size: tuple[int, int]
) -> None:
    """The link drops; a refresh finds no server: the banner says so, the figures stay."""
    owner = fixed_owner(live_server)
    transport = FaultyLink()
    app = make_app(transport=transport, signed_in_as=owner)

    async def cut_and_refresh(pilot: Pilot[Any]) -> None:
        transport.down = True
        await pilot.press("ctrl+r")
        await wait_for_async(lambda: app.account_state.connection == "offline", pilot=pilot)

    assert snap_compare(app, terminal_size=size, run_before=signed_in(cut_and_refresh))
