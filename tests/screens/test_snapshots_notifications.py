"""Snapshots of the Notifications screen at 80x24 and 120x40: an email target with its events,
a webhook switched off after failing (its reason in words), and a dead letter."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import DataTable

from tests.screens.conftest import MakeApp, fixed_owner
from tests.screens.notify_support import give_targets
from tests.screens.snapshot_support import SIZE_IDS, SIZES, signed_in, until
from tests.support.live_server import LiveServer

pytestmark = pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)


def listed(pilot: Any) -> bool:
    return pilot.app.screen.query_one("#notify-targets", DataTable).row_count == 2


def test_notifications_listed(
    snap_compare: Any, make_app: MakeApp, live_server: LiveServer, size: Any
) -> None:
    owner = fixed_owner(live_server)
    give_targets(live_server, owner)
    app = make_app(signed_in_as=owner)
    steps = signed_in("n", until(listed), "tab")
    assert snap_compare(app, terminal_size=size, run_before=steps)


def test_notifications_switched_off_target(
    snap_compare: Any, make_app: MakeApp, live_server: LiveServer, size: Any
) -> None:
    owner = fixed_owner(live_server)
    give_targets(live_server, owner)
    app = make_app(signed_in_as=owner)
    steps = signed_in("n", until(listed), "tab", "down")
    assert snap_compare(app, terminal_size=size, run_before=steps)
