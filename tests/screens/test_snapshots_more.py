"""Snapshots of the More screen (the dashboard's `x`): an owner's, every action open to them, and a
billing member's, with Team and Activity greyed and the reason under each; at 80x24 and 120x40."""

from __future__ import annotations

from typing import Any

import pytest

from tests.screens.conftest import MakeApp, fixed_owner
from tests.screens.snapshot_support import SIZE_IDS, SIZES, signed_in, until
from tests.support.live_server import LiveServer
from tests.support.pilot import screen_text

pytestmark = pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)


def test_more_for_an_owner(
    snap_compare: Any, make_app: MakeApp, live_server: LiveServer, size: tuple[int, int]
) -> None:
    app = make_app(signed_in_as=fixed_owner(live_server))
    assert snap_compare(app, terminal_size=size, run_before=signed_in("x"))


def test_more_for_billing(
    snap_compare: Any, make_app: MakeApp, live_server: LiveServer, size: tuple[int, int]
) -> None:
    owner = fixed_owner(live_server)
    member = live_server.add_user(owner.account_id, role="billing")
    app = make_app(signed_in_as=member)
    # The remembered session says owner; the role shown is the server's.
    known = until(lambda pilot: screen_text(pilot, "#role-line") == "" and _billing(pilot))
    assert snap_compare(app, terminal_size=size, run_before=signed_in(known, "x"))


def _billing(pilot: Any) -> bool:
    user = pilot.app.account_state.user
    return user is not None and user.role == "billing"
