"""Snapshots of a payment's receipt, opened from History with enter, at 80x24 and 120x40."""

from __future__ import annotations

from typing import Any

import pytest

from tests.screens.conftest import MakeApp
from tests.screens.receipts_support import owner_with_receipt
from tests.screens.snapshot_support import SIZE_IDS, SIZES, signed_in, until
from tests.support.live_server import LiveServer
from tests.support.pilot import screen_text


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_receipt(snap_compare: Any, make_app: MakeApp, live_server: LiveServer, size: Any) -> None:
    app = make_app(signed_in_as=owner_with_receipt(live_server))
    listed = until(lambda pilot: "that is all" in screen_text(pilot, "#history-status"))
    shown = until(lambda pilot: "Amount paid" in screen_text(pilot, "#receipt-body"))
    steps = signed_in("t", listed, "enter", shown)
    assert snap_compare(app, terminal_size=size, run_before=steps)
