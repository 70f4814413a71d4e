"""Text from the server is shown as text; the command palette opens every screen."""

from __future__ import annotations

from typing import Any

import httpx
from rich.text import Text
from textual.widgets import DataTable

from tests.screens.conftest import MakeApp
from tests.support.live_server import LiveServer
from tests.support.pilot import go_to, run_on_dashboard, settle, type_text
from tests.support.wait import wait_for_async
from tui.commands import SCREEN_COMMANDS


async def test_server_text_is_never_markup(make_app: MakeApp, live_server: LiveServer) -> None:
    owner = live_server.make_owner(0, name="[b]Acme[/b] & [red]Co[/red]")

    async def odd_description(ctx: Any) -> None:
        from credits_server.ledger import post

        async with ctx.db.write() as session:
            await post(
                session,
                owner.account_id,
                kind="adjustment",
                amount=1000,
                description="[link=http://evil.test]click[/link] \x1b[31mred",
            )

    live_server.run(odd_description)
    app = make_app(signed_in_as=owner)
    async with run_on_dashboard(app):
        panel = app.screen.query_one("#balance-panel")
        assert panel.border_title is not None
        assert "[b]Acme[/b] & [red]Co[/red]" in Text.from_markup(panel.border_title).plain
        table = app.screen.query_one("#recent", DataTable)
        cell = table.get_cell_at((0, 1))
        assert str(cell).startswith("[link=http://evil.test]click[/link]")
        assert "\x1b" not in str(cell)  # a terminal escape from the server never reaches the tty


async def test_command_palette_opens_each_screen(
    make_app: MakeApp, live_server: LiveServer
) -> None:
    owner = live_server.make_owner(balance=1000)
    app = make_app(signed_in_as=owner)
    names = [name for name in app.SCREENS if name != "dashboard"] + ["dashboard"]
    async with run_on_dashboard(app) as pilot:
        for name in names:
            expected = type(app.SCREENS[name]())
            await pilot.press("ctrl+p")
            await type_text(pilot, SCREEN_COMMANDS[name][0])
            await settle(pilot)
            await pilot.press("enter")
            await wait_for_async(
                lambda expected=expected: type(app.screen) is expected, pilot=pilot
            )
            await settle(pilot)
        assert [type(s).__name__ for s in app.screen_stack][-1] == "DashboardScreen"


async def test_sign_out_from_the_palette_returns_to_sign_in(
    make_app: MakeApp, live_server: LiveServer
) -> None:
    from screens.login import LoginScreen

    owner = live_server.make_owner(balance=1000)
    app = make_app(signed_in_as=owner, theme="no-such-theme")
    async with run_on_dashboard(app) as pilot:
        assert app.theme == "textual-dark"  # an unknown theme falls back, it does not crash
        await pilot.press("ctrl+p")
        await type_text(pilot, "sign out")
        await settle(pilot)
        await go_to(pilot, LoginScreen, "enter")
        assert app.account_state.user is None
        assert len(app.screen_stack) == 1  # the sign-in screen alone: nothing left over
    async with httpx.AsyncClient(base_url=live_server.url, headers=owner.headers) as http:
        assert (await http.get("/v1/account")).status_code == 401
