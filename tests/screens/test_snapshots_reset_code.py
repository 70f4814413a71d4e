"""Snapshots of the reset code form (ctrl+t on the sign-in screen), at 80x24 and 120x40: a code
typed, and the email carried over from the sign-in screen."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot

from screens.reset_code import ResetCodeScreen
from tests.screens.conftest import MakeApp
from tests.screens.snapshot_support import SIZE_IDS, SIZES
from tests.support.pilot import settle, type_text
from tests.support.wait import wait_for_async

pytestmark = pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)


def test_reset_code_form(snap_compare: Any, make_app: MakeApp, size: tuple[int, int]) -> None:
    app = make_app()

    async def run_before(pilot: Pilot[Any]) -> None:
        await wait_for_async(lambda: app.account_state.connection == "online", pilot=pilot)
        await type_text(pilot, "ada@acme.test")
        await pilot.press("ctrl+t")
        await wait_for_async(lambda: isinstance(app.screen, ResetCodeScreen), pilot=pilot)
        await type_text(pilot, "K7QM-2XWP-9RTA")
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)
