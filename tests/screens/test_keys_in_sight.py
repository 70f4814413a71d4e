"""Every action of every screen is on a key a person can see at 80x24.

An action is in sight when its key and name are drawn in the footer; or listed on a screen that
also binds it, which is this screen or one a key drawn in its footer opens (the dashboard's
`x More`); or, for the app's own keys, found by name in the command palette, whose `^p` every
full screen's footer draws. Keys a screen writes in its own words instead ("Pick an amount with
1-6 or the arrows") are named below with those words. Only the app's own bindings count (those
with an id, which a keymap can change): Textual's editing and scrolling keys are the terminal's.
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import partial
from typing import Any

from textual.binding import Binding
from textual.pilot import Pilot
from textual.screen import Screen

from screens.more import MoreScreen
from tests.screens.conftest import MakeApp
from tests.screens.receipts_support import owner_with_receipt
from tests.support.live_server import LiveServer
from tests.support.pilot import on_dashboard, open_payment, settle, type_text
from tests.support.wait import wait_for_async
from tests.tui.test_readme_picture import svg_rows
from tui.app import CreditsApp
from tui.keymap import binding_ids

OURS = binding_ids()
# The app's keys, by the name the command palette finds them under.
IN_THE_PALETTE = {"app.quit": "Quit", "app.redraw": "Redraw"}
# Keys a screen says in its own text, by the words that say them.
SAID_ON_SCREEN = {
    **{f"amounts.{way}": "the arrows" for way in ("left", "right", "up", "down")},
    **{f"amounts.pick{n}": "1-6" for n in range(1, 7)},
}


class Sight:
    """What the screens of one app run showed: the palette's names, and what each screen missed."""

    def __init__(self, pilot: Pilot[Any]) -> None:
        self.pilot = pilot
        self.app: CreditsApp = pilot.app  # type: ignore[assignment]
        self.in_palette: set[str] = set()
        self.missing: list[str] = []
        self.seen: list[str] = []

    async def read_palette(self) -> None:
        """Open ctrl+p and search each of the app's keys by name, as a person would."""
        for binding_id, name in IN_THE_PALETTE.items():
            await self.pilot.press("ctrl+p")
            await wait_for_async(
                lambda: type(self.app.screen).__name__ == "CommandPalette", pilot=self.pilot
            )
            await type_text(self.pilot, name)
            await wait_for_async(partial(_found, self.pilot, name), pilot=self.pilot)
            self.in_palette.add(binding_id)
            await self.pilot.press("escape")
            await wait_for_async(
                lambda: type(self.app.screen).__name__ != "CommandPalette", pilot=self.pilot
            )

    async def check(self, opens: dict[str, type[Screen[Any]]] | None = None) -> None:
        """Check the screen on top; `opens` maps a key of its footer to the screen it opens, whose
        list is read too (pressing the key, then escape)."""
        await settle(self.pilot)
        screen = self.app.screen
        rows = screen_rows(self.pilot)
        footer, body = rows[-1], rows[:-1]
        listed_elsewhere: list[tuple[list[str], set[str]]] = []
        for key, target in (opens or {}).items():
            opener = screen.active_bindings[key].binding
            assert _drawn(footer, key, opener.description), f"{key} not drawn in {footer!r}"
            await self.pilot.press(key)
            await on(self.pilot, target)
            await settle(self.pilot)
            listed_elsewhere.append((screen_rows(self.pilot)[:-1], _ids(self.app.screen)))
            await self.pilot.press("escape")
            await wait_for_async(lambda: self.app.screen is screen, pilot=self.pilot)
        places = [(body, _ids(screen)), *listed_elsewhere]
        name = type(screen).__name__
        self.seen.append(name)
        for bindings in _actions(screen).values():
            if not any(self._in_sight(b, footer, body, places) for b in bindings):
                keys = ", ".join(self.app.get_key_display(b) for b in bindings)
                self.missing.append(f"{name}: {keys} {bindings[0].description!r} in {footer!r}")

    def _in_sight(
        self,
        binding: Binding,
        footer: str,
        body: list[str],
        places: list[tuple[list[str], set[str]]],
    ) -> bool:
        shown = self.app.get_key_display(binding)
        label = binding.group.description if binding.group else binding.description
        if binding.show and _drawn(footer, shown, label, grouped=binding.group is not None):
            return True
        if binding.id in IN_THE_PALETTE:
            return binding.id in self.in_palette and _drawn(footer, "^p", "palette")
        if binding.id in SAID_ON_SCREEN:
            return any(SAID_ON_SCREEN[binding.id] in row for row in body)
        listed = re.compile(rf"(^|\s){re.escape(shown)}\s+{re.escape(binding.description)}\b")
        return any(
            binding.id in ids and any(listed.search(row) for row in rows) for rows, ids in places
        )


def _drawn(footer: str, key: str, label: str, *, grouped: bool = False) -> bool:
    """Whether the footer draws `key` and `label` whole (a cut-off last key does not count); a
    group's keys are drawn side by side before its one label ("<-> Step")."""
    if grouped:
        return f"{key}" in footer and f" {label}" in footer
    return f"{key} {label}" in footer


async def on(pilot: Pilot[Any], screen: type[Screen[Any]]) -> None:
    await wait_for_async(
        lambda: isinstance(pilot.app.screen, screen), what=screen.__name__, pilot=pilot
    )


async def home(pilot: Pilot[Any]) -> None:
    """Back to the dashboard, once it is on top and taking keys again."""
    from screens.dashboard import DashboardScreen

    pilot.app.go_home(ask=False)  # type: ignore[attr-defined]
    await wait_for_async(lambda: isinstance(pilot.app.screen, DashboardScreen), pilot=pilot)
    await settle(pilot)


def screen_rows(pilot: Pilot[Any]) -> list[str]:
    """The terminal's rows, the footer last, as a person reads them."""
    return svg_rows(pilot.app.export_screenshot())


def _found(pilot: Pilot[Any], name: str) -> bool:
    return any(re.search(rf"\b{name}\b", row) for row in screen_rows(pilot)[2:])


def _actions(screen: Screen[Any]) -> dict[str, list[Binding]]:
    """The screen's active bindings of the app's own, by action (a key group is one action)."""
    actions: dict[str, list[Binding]] = defaultdict(list)
    for active in screen.active_bindings.values():
        if active.binding.id in OURS:
            actions[active.binding.action].append(active.binding)
    return actions


def _ids(screen: Screen[Any]) -> set[str]:
    return {a.binding.id for a in screen.active_bindings.values() if a.binding.id}


def _report(sight: Sight) -> str:
    return "\n".join(sight.missing) + f"\n(checked {', '.join(sight.seen)})"


async def test_every_signed_in_screen_at_80x24(make_app: MakeApp, live_server: LiveServer) -> None:
    from screens.confirm import ConfirmScreen
    from screens.payment_page import PaymentPageScreen
    from screens.receipt import ReceiptScreen
    from screens.team_modals import ChooseRoleScreen, InvitationCodeScreen

    owner = owner_with_receipt(live_server)
    live_server.add_user(owner.account_id, role="billing")
    app = make_app(signed_in_as=owner)
    async with app.run_test(size=(80, 24)) as pilot:
        await on_dashboard(pilot)
        sight = Sight(pilot)
        await sight.read_palette()
        await sight.check(opens={"x": MoreScreen})
        await pilot.press("x")
        await sight.check()
        await pilot.press("escape")
        for name in app.SCREENS:
            if name == "dashboard":
                continue
            app.open_screen(name)
            await wait_for_async(
                lambda: type(app.screen).__name__ != "DashboardScreen", pilot=pilot
            )
            await sight.check()
            if name == "team":
                await pilot.press("down", "ctrl+g")  # the billing member's role
                await on(pilot, ChooseRoleScreen)
                await sight.check()
                await pilot.press("escape", "ctrl+s")  # to the invitation's email
                await type_text(pilot, f"new-{owner.user_id[-8:]}@example.test")
                await pilot.press("ctrl+s")
                await on(pilot, InvitationCodeScreen)
                await sight.check()
                await pilot.press("escape")
            if name == "transactions":
                await pilot.press("enter")  # the newest row: a top-up with its receipt
                await on(pilot, ReceiptScreen)
                await sight.check()
            await home(pilot)
        await open_payment(pilot, "enter")
        await sight.check()
        await pilot.press("ctrl+o")
        await on(pilot, PaymentPageScreen)
        await sight.check()
        await home(pilot)
        await pilot.press("o")
        await on(pilot, ConfirmScreen)
        await sight.check()
    assert not sight.missing, _report(sight)
    assert len(sight.seen) == 18, sight.seen


async def test_the_sign_in_screens_at_80x24(make_app: MakeApp) -> None:
    from screens.reset_code import ResetCodeScreen

    app = make_app(embedded=True)  # the demo login's key too
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_async(lambda: app.account_state.connection == "online", pilot=pilot)
        sight = Sight(pilot)
        await sight.read_palette()
        await sight.check()
        await pilot.press("ctrl+n")  # the invitation's fields
        await sight.check()
        await pilot.press("ctrl+t")
        await on(pilot, ResetCodeScreen)
        await sight.check()
    assert not sight.missing, _report(sight)
