"""Text from the server or the user is drawn as text: Rich markup and terminal escapes in an
account name, a card's name, a transaction description or a typed support message appear on
the rendered 80x24 screen literally (escapes as U+FFFD), never interpreted."""

from __future__ import annotations

import html
import re
from typing import Any

from textual.widgets import TextArea

from tests.screens.conftest import MakeApp
from tests.support.live_server import LiveServer
from tests.support.pilot import open_support, run_on_dashboard, settle
from tests.support.wait import wait_for_async
from tui.app import CreditsApp

MARKUP = "[bold red]x[/]"
ESCAPE = "\x1b[2J"
SHOWN_ESCAPE = "\ufffd[2J"  # the escape character drawn as a replacement glyph


def rendered_text(app: CreditsApp) -> str:
    """Everything on the screen as plain text, read from the rendered frame (the SVG export)."""
    svg = app.export_screenshot()
    rows = re.findall(r"<text[^>]*>(.*?)</text>", svg, flags=re.S)
    return html.unescape("".join(rows)).replace("\xa0", " ")


async def test_markup_and_escapes_from_the_server_are_shown_literally(
    make_app: MakeApp, live_server: LiveServer
) -> None:
    owner = live_server.make_owner(0, name=f"N{MARKUP}{ESCAPE}")

    async def hostile_history(ctx: Any) -> None:
        from credits_server.ledger import post

        async with ctx.db.write() as session:
            await post(
                session,
                owner.account_id,
                kind="adjustment",
                amount=5000,
                description=f"D{MARKUP}{ESCAPE}",
            )

    live_server.run(hostile_history)
    app = make_app(signed_in_as=owner)
    async with run_on_dashboard(app) as pilot:
        dashboard = rendered_text(app)
        await pilot.press("t")
        await settle(pilot)
        await wait_for_async(lambda: f"D{MARKUP}" in rendered_text(app), pilot=pilot)
        history = rendered_text(app)
    for screen in (dashboard, history):
        assert "\x1b" not in screen
        assert "red]x" in screen  # the markup is text, not a style
    assert f"N{MARKUP}{SHOWN_ESCAPE}" in dashboard
    assert f"D{MARKUP}{SHOWN_ESCAPE}" in history


async def test_markup_typed_by_the_user_stays_text(
    make_app: MakeApp, live_server: LiveServer
) -> None:
    owner = live_server.make_owner(5000)
    app = make_app(signed_in_as=owner)
    async with run_on_dashboard(app) as pilot:
        await open_support(pilot)
        message = app.screen.query_one("#support-message", TextArea)
        message.focus()
        await pilot.press(*MARKUP)
        await settle(pilot)
        assert message.text == MARKUP
        assert MARKUP in rendered_text(app)
