"""Snapshots of the More screen (the dashboard's `x`): an owner's, every action open to them, and a
billing member's, with Team and Activity greyed and the reason under each; at 80x24 and 120x40, and
the billing member's under NO_COLOR in ASCII, where the reason alone says it."""

from __future__ import annotations

from typing import Any

import pytest

from tests.screens.conftest import MakeApp, fixed_owner
from tests.screens.snapshot_support import SIZE_IDS, SIZES, signed_in, until
from tests.support.live_server import LiveServer
from tests.support.pilot import screen_text

BY_SIZE = pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)


@BY_SIZE
def test_more_for_an_owner(
    snap_compare: Any, make_app: MakeApp, live_server: LiveServer, size: tuple[int, int]
) -> None:
    app = make_app(signed_in_as=fixed_owner(live_server))
    assert snap_compare(app, terminal_size=size, run_before=signed_in("x"))


@BY_SIZE
def test_more_for_billing(
    snap_compare: Any, make_app: MakeApp, live_server: LiveServer, size: tuple[int, int]
) -> None:
    owner = fixed_owner(live_server)
    member = live_server.add_user(owner.account_id, role="billing")
    app = make_app(signed_in_as=member)
    assert snap_compare(app, terminal_size=size, run_before=signed_in(KNOWN, "x"))


def test_more_for_billing_no_color_ascii(
    snap_compare: Any, make_app: MakeApp, live_server: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    owner = fixed_owner(live_server)
    member = live_server.add_user(owner.account_id, role="billing")
    monkeypatch.setenv("NO_COLOR", "1")  # read (and removed) by the App when it is created
    app = make_app(signed_in_as=member, ascii_only=True)
    assert app.no_color
    assert snap_compare(app, terminal_size=(80, 24), run_before=signed_in(KNOWN, "x"))


def _billing(pilot: Any) -> bool:
    user = pilot.app.account_state.user
    return user is not None and user.role == "billing"


# The remembered session says owner; the role shown is the server's.
KNOWN = until(lambda pilot: screen_text(pilot, "#role-line") == "" and _billing(pilot))
