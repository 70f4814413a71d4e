"""Keys-only helpers for pilot tests: sign in, wait for what the user would see, read the screen."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from typing import cast

from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Digits, Static
from textual.worker import WorkerCancelled, WorkerFailed

from tests.support.live_server import Owner
from tui.app import CreditsApp
from widgets.balance import BalanceDisplay

TIMEOUT = 15.0


async def wait_for(
    pilot: Pilot[None], condition: Callable[[], bool], within: float = TIMEOUT
) -> None:
    """Let the app run until `condition()` holds (checked between frames), or fail."""
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {condition.__doc__ or condition}")
        await pilot.pause(0.02)
        await asyncio.sleep(0)


async def settle(pilot: Pilot[None]) -> None:
    """Wait for every worker to finish, then for the screen to catch up."""
    await pilot.pause()
    for worker in list(pilot.app.workers):
        # A failed call is part of many flows (the screen shows it); only waiting matters here.
        with contextlib.suppress(WorkerFailed, WorkerCancelled):
            await worker.wait()
    await pilot.pause()


async def type_text(pilot: Pilot[None], text: str) -> None:
    await pilot.press(*text)


async def sign_in(pilot: Pilot[None], owner: Owner) -> None:
    """Type the owner's email and password on the login screen and wait for the dashboard."""
    app = cast(CreditsApp, pilot.app)
    await wait_for(pilot, lambda: app.account_state.connection == "online")
    await type_text(pilot, owner.email)
    await pilot.press("enter")
    await type_text(pilot, owner.password)
    await pilot.press("enter")
    await on_dashboard(pilot)


async def on_dashboard(pilot: Pilot[None]) -> None:
    """Wait until the dashboard shows the account (after a sign-in or a remembered session)."""
    from screens.dashboard import DashboardScreen

    app = cast(CreditsApp, pilot.app)
    await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen))
    await wait_for(pilot, lambda: app.account_state.account is not None)
    await settle(pilot)


def shown(widget: Widget) -> str:
    """The text a Static or Digits shows, as the user reads it."""
    if isinstance(widget, BalanceDisplay):
        widget = widget.query_one(".balance--amount")
    if isinstance(widget, Digits):
        return widget.value
    if isinstance(widget, Static):
        return str(widget.content)
    raise TypeError(f"cannot read {widget!r}")


def screen_text(pilot: Pilot[None], selector: str) -> str:
    return shown(pilot.app.screen.query_one(selector))
