"""A screen opened again starts afresh: nothing typed into it before is still there."""

from __future__ import annotations

from textual.widgets import Input, TextArea

from tests.screens.conftest import MakeApp
from tests.support.live_server import LiveServer
from tests.support.pilot import run_on_dashboard, settle, type_text
from tests.support.wait import wait_for_async


async def test_a_support_request_left_unsent_is_gone_when_support_opens_again(
    make_app: MakeApp, live_server: LiveServer
) -> None:
    from screens.confirm import ConfirmScreen
    from screens.dashboard import DashboardScreen
    from screens.support import SupportScreen

    owner = live_server.make_owner(balance=1000)
    app = make_app(signed_in_as=owner)
    async with run_on_dashboard(app) as pilot:
        await pilot.press("s")
        await wait_for_async(lambda: isinstance(app.screen, SupportScreen), pilot=pilot)
        await settle(pilot)
        await type_text(pilot, "please call")  # the focus starts in the message
        await pilot.press("shift+tab", "shift+tab")
        await type_text(pilot, "5000")
        assert app.screen.query_one("#support-message", TextArea).text == "please call"
        await pilot.press("escape")
        await wait_for_async(lambda: isinstance(app.screen, ConfirmScreen), pilot=pilot)
        await pilot.press("y")
        await wait_for_async(lambda: isinstance(app.screen, DashboardScreen), pilot=pilot)
        await settle(pilot)

        await pilot.press("s")
        await wait_for_async(lambda: isinstance(app.screen, SupportScreen), pilot=pilot)
        await settle(pilot)
        assert app.screen.query_one("#support-amount", Input).value == ""
        assert app.screen.query_one("#support-message", TextArea).text == ""
