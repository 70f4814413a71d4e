"""The More screen by keys: each action it lists runs from there (and still from the dashboard),
a key moved by the keymap is listed where it now is, and what the role may not do stays shut."""

from __future__ import annotations

from typing import Any

from textual.screen import Screen
from textual.widgets import Static

from screens.confirm import ConfirmScreen
from screens.dashboard import DashboardScreen
from screens.more import MoreScreen
from screens.ssh_keys import SshKeysScreen
from screens.team import TeamScreen
from tests.screens.conftest import MakeApp
from tests.support.live_server import LiveServer
from tests.support.pilot import go_to, run_on_dashboard, settle
from tests.support.wait import wait_for_async


def listed(screen: Screen[Any]) -> list[str]:
    """The More screen's rows: key, name and, when refused, why."""
    assert isinstance(screen, MoreScreen)
    return [
        " ".join(str(part.content) for part in row.query(Static)).replace("\n", " / ")
        for row in screen.query(".more-action")
    ]


async def test_each_listed_key_runs_from_more(make_app: MakeApp, live_server: LiveServer) -> None:
    owner = live_server.make_owner()
    app = make_app(signed_in_as=owner, keymap={"dashboard.team": "g"})
    async with run_on_dashboard(app) as pilot:
        await go_to(pilot, MoreScreen, "x")
        assert "g Team" in listed(app.screen)
        await go_to(pilot, TeamScreen, "g")  # the keymap's key, from More
        await pilot.press("escape")
        await go_to(pilot, MoreScreen, "x")
        await go_to(pilot, SshKeysScreen, "k")
        await pilot.press("escape")
        await go_to(pilot, MoreScreen, "x")
        await go_to(pilot, ConfirmScreen, "o")  # sign out asks first
        await go_to(pilot, DashboardScreen, "n")
        await go_to(pilot, SshKeysScreen, "k")  # the dashboard's own key, More unopened
        await pilot.press("escape")
        await go_to(pilot, MoreScreen, "x")
        await go_to(pilot, DashboardScreen, "x")  # x closes it again
        assert app.account_state.signed_in


async def test_what_the_role_may_not_do_is_listed_with_why(
    make_app: MakeApp, live_server: LiveServer
) -> None:
    owner = live_server.make_owner()
    member = live_server.add_user(owner.account_id, role="billing")
    app = make_app(signed_in_as=member)
    async with run_on_dashboard(app) as pilot:
        await go_to(pilot, MoreScreen, "x")
        why = "Your role (billing) cannot manage the team: ask an owner."
        await wait_for_async(lambda: f"m Team / {why}" in listed(app.screen), pilot=pilot)
        assert f"v Activity / {why}" in listed(app.screen)
        assert "w Sessions" in listed(app.screen)
        await pilot.press("m", "v")  # greyed: nothing opens
        await settle(pilot)
        assert isinstance(app.screen, MoreScreen)
        await pilot.press("escape", "m")  # nor from the dashboard
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
