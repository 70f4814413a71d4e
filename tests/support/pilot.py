"""Keys-only helpers for Pilot-driven tests of the app. Signing in and paying as a person does:
`sign_in` (or `run_on_dashboard` for a remembered session), `open_payment`, `type_card`, ctrl+s,
`back_on_dashboard`. Each presses what a person would press, then waits (never sleeps) for what
they would see before the next key; `screen_text` reads the screen as they would."""

from __future__ import annotations

import contextlib
import html
import re
from collections import defaultdict
from collections.abc import AsyncIterator
from typing import Any, cast

from textual.pilot import Pilot
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Digits, Static
from textual.worker import WorkerCancelled, WorkerFailed

from tests.support.live_server import Owner
from tests.support.wait import WITHIN, wait_for_async
from tui.app import CreditsApp
from widgets.balance import BalanceDisplay


async def settle(pilot: Pilot[Any]) -> None:
    """Wait for every worker to finish, then for the screen to catch up."""
    await pilot.pause()
    for worker in list(pilot.app.workers):
        # A failed call is part of many flows (the screen shows it); only waiting matters here.
        with contextlib.suppress(WorkerFailed, WorkerCancelled):
            await worker.wait()
    await pilot.pause()


async def type_text(pilot: Pilot[Any], text: str) -> None:
    await pilot.press(*text)


def _focused(app: CreditsApp) -> str | None:
    return app.focused.id if app.focused is not None else None


async def sign_in(pilot: Pilot[Any], owner: Owner, *, remember: bool = False) -> None:
    """Type the owner's email and password on the login screen (ticking "remember me" when
    `remember`) and wait for the dashboard."""
    app = cast(CreditsApp, pilot.app)
    await wait_for_async(lambda: app.account_state.connection == "online", pilot=pilot)
    await wait_for_async(lambda: _focused(app) == "email", pilot=pilot)
    await type_text(pilot, owner.email)
    await pilot.press("enter")
    await wait_for_async(lambda: _focused(app) == "password", pilot=pilot)
    await type_text(pilot, owner.password)
    if remember:
        await pilot.press("tab", "space", "shift+tab")  # remember me; back on the password
        await wait_for_async(lambda: _focused(app) == "password", pilot=pilot)
    await pilot.press("enter")
    await on_dashboard(pilot)


async def on_dashboard(pilot: Pilot[Any]) -> None:
    """Wait until the dashboard shows the account (after a sign-in or a remembered session)."""
    from screens.dashboard import DashboardScreen

    app = cast(CreditsApp, pilot.app)
    await wait_for_async(lambda: isinstance(app.screen, DashboardScreen), pilot=pilot)
    await wait_for_async(lambda: app.account_state.account is not None, pilot=pilot)
    await settle(pilot)


async def back_on_dashboard(pilot: Pilot[Any], balance: str, within: float = WITHIN) -> None:
    """Wait until the dashboard is on top again and shows `balance` (e.g. "$60.00")."""
    from screens.dashboard import DashboardScreen

    await wait_for_async(
        lambda: isinstance(pilot.app.screen, DashboardScreen), within=within, pilot=pilot
    )
    await wait_for_async(lambda: screen_text(pilot, "#balance") == balance, pilot=pilot)


@contextlib.asynccontextmanager
async def run_on_dashboard(app: CreditsApp) -> AsyncIterator[Pilot[None]]:
    """Run `app` at 80x24 (made with `signed_in_as=`) and wait for its dashboard."""
    async with app.run_test(size=(80, 24)) as pilot:
        await on_dashboard(pilot)
        yield pilot


async def go_to(pilot: Pilot[Any], screen: type[Screen[Any]], *keys: str) -> None:
    """Press `keys`, then wait until `screen` is on top and its workers are done."""
    await pilot.press(*keys)
    await wait_for_async(lambda: isinstance(pilot.app.screen, screen), pilot=pilot)
    await settle(pilot)


async def open_payment(pilot: Pilot[Any], *keys: str) -> None:
    """From the dashboard to the payment screen: `a`, then `keys` pick the amount (e.g. "3" for
    the third preset, $50.00; "enter" for the one under the cursor)."""
    from screens.payment import PaymentScreen

    await pilot.press("a")
    await settle(pilot)
    await go_to(pilot, PaymentScreen, *keys)


async def open_support(pilot: Pilot[Any]) -> None:
    """From the dashboard to the support request form."""
    from screens.support import SupportScreen

    await go_to(pilot, SupportScreen, "s")


async def open_auto_recharge(pilot: Pilot[Any]) -> None:
    """From the dashboard to the auto-recharge settings."""
    from screens.auto_recharge import AutoRechargeScreen

    await go_to(pilot, AutoRechargeScreen, "r")


async def type_card(
    pilot: Pilot[Any],
    number: str,
    *,
    cvc: str = "123",
    name: str | None = "Ada",
    save: bool = False,
) -> None:
    """On a payment screen with no saved card: the number, expiry 12/30, `cvc` and `name` typed
    field by field; "save this card" ticked when `save`. Not yet paid."""
    fields = ["1230", cvc] if name is None else ["1230", cvc, name]
    await type_text(pilot, number)
    for text in fields:
        await pilot.press("tab")
        await type_text(pilot, text)
    if save:
        await pilot.press("tab", "space")  # "Save this card for auto-recharge"


def shown(widget: Widget) -> str:
    """The text a Static or Digits shows, as the user reads it."""
    if isinstance(widget, BalanceDisplay):
        widget = widget.query_one(".balance--amount")
    if isinstance(widget, Digits):
        return widget.value
    if isinstance(widget, Static):
        return str(widget.content)
    raise TypeError(f"cannot read {widget!r}")


def screen_text(pilot: Pilot[Any], selector: str) -> str:
    return shown(pilot.app.screen.query_one(selector))


_SCREENSHOT_TEXT = re.compile(
    r'<text [^>]*x="([\d.]+)"[^>]*textLength="([\d.]+)"[^>]*'
    r'clip-path="url\(#[\w-]*line-(\d+)\)"[^>]*>([^<]*)</text>'
)


def screen_rows(pilot: Pilot[Any]) -> list[str]:
    """The screen's rows as the terminal shows them, read from a screenshot of the app."""
    cells: dict[int, dict[int, str]] = defaultdict(dict)
    for x, length, row, raw in _SCREENSHOT_TEXT.findall(pilot.app.export_screenshot()):
        text = html.unescape(raw).replace("\xa0", " ")
        width = float(length) / len(text)
        first = round(float(x) / width) - 1  # the picture has a one-cell margin on the left
        for offset, char in enumerate(text):
            cells[int(row)][first + offset] = char
    rows = []
    for row in range(max(cells) + 1):
        line = cells.get(row, {})
        rows.append("".join(line.get(col, " ") for col in range(max(line, default=-1) + 1)))
    return rows
