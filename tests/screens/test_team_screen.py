"""The team by keys only: an owner invites, the invitee joins from the sign-in screen with the code,
the owner changes their role and removes them (never the last owner); a viewer sees why they
cannot pay, and everyone signs out a session elsewhere."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from screens.dashboard import DashboardScreen
from screens.sessions import SessionsScreen
from screens.team import TeamScreen
from screens.team_modals import ChooseRoleScreen, InvitationCodeScreen
from tests.screens.conftest import MakeApp
from tests.support.live_server import LiveServer, Owner
from tests.support.pilot import (
    go_to,
    on_dashboard,
    run_on_dashboard,
    screen_text,
    settle,
    type_text,
)
from tests.support.wait import wait_for_async
from tui.app import CreditsApp

PASSWORD = "correct horse battery"


def members(live_server: LiveServer, owner: Owner) -> dict[str, str]:
    with httpx.Client(base_url=live_server.url, headers=owner.headers) as api:
        return {m["email"]: m["role"] for m in api.get("/v1/team").json()["members"]}


def focused(app: CreditsApp) -> str | None:
    return app.focused.id if app.focused is not None else None


async def said(pilot: Pilot[Any], text: str) -> None:
    await wait_for_async(lambda: text in screen_text(pilot, "#team-result"), pilot=pilot)


async def test_invite_accept_change_role_remove(
    make_app: MakeApp, live_server: LiveServer, tmp_path: Path
) -> None:
    owner = live_server.make_owner()
    email = f"finance-{owner.user_id[-8:]}@example.test"
    async with run_on_dashboard(make_app(signed_in_as=owner)) as pilot:
        await go_to(pilot, TeamScreen, "m")
        await pilot.press("ctrl+s")  # to the email field
        await type_text(pilot, email)
        await pilot.press("ctrl+o", "ctrl+o")  # viewer -> owner -> billing
        assert screen_text(pilot, "#invite-role").startswith("as billing")
        await pilot.press("ctrl+s")
        await wait_for_async(
            lambda: isinstance(pilot.app.screen, InvitationCodeScreen), pilot=pilot
        )
        code = screen_text(pilot, "#invitation-code")
        assert screen_text(pilot, "#invitation-link").endswith(f"/invitation#{code}")
        await pilot.press("escape")
        await said(pilot, f"Invited {email} as billing")

    (tmp_path / "session.json").unlink()  # the invitee's app starts on the sign-in screen
    joining = make_app()
    async with joining.run_test(size=(80, 24)) as pilot:
        await wait_for_async(lambda: joining.account_state.connection == "online", pilot=pilot)
        await pilot.press("ctrl+n")
        await wait_for_async(lambda: focused(joining) == "invitation-code", pilot=pilot)
        await type_text(pilot, code.lower())
        await pilot.press("enter")
        await wait_for_async(lambda: focused(joining) == "email", pilot=pilot)
        await type_text(pilot, email)
        await pilot.press("enter")
        await wait_for_async(lambda: focused(joining) == "password", pilot=pilot)
        await type_text(pilot, PASSWORD)
        await pilot.press("enter")
        await on_dashboard(pilot)
        user = joining.account_state.user
        assert user is not None
        assert (user.role, user.account_id) == ("billing", owner.account_id)
    assert members(live_server, owner) == {owner.email: "owner", email: "billing"}

    async with run_on_dashboard(make_app(signed_in_as=owner)) as pilot:
        await go_to(pilot, TeamScreen, "m")
        # The last owner (the first row, themselves) can be neither removed nor demoted.
        await pilot.press("ctrl+r")
        await settle(pilot)
        await pilot.press("y")
        await said(pilot, "last owner cannot be removed")
        await pilot.press("down", "ctrl+g")
        await wait_for_async(lambda: isinstance(pilot.app.screen, ChooseRoleScreen), pilot=pilot)
        await pilot.press("v")
        await said(pilot, f"{email} is now viewer")
        table = pilot.app.screen.query_one("#members", DataTable)
        await wait_for_async(lambda: table.row_count == 2, pilot=pilot)
        table.move_cursor(row=1)
        await pilot.press("ctrl+r")
        await settle(pilot)
        await pilot.press("y")
        await said(pilot, f"Removed {email}")
    assert members(live_server, owner) == {owner.email: "owner"}


async def test_a_viewer_sees_why_they_cannot_pay(
    make_app: MakeApp, live_server: LiveServer
) -> None:
    boss = live_server.make_owner(balance=1500)
    viewer = live_server.add_user(boss.account_id, role="viewer")
    # The app remembers the session as an owner's: the role shown is the server's.
    app = make_app(signed_in_as=viewer)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await on_dashboard(pilot)
        reason = "Your role (viewer) cannot pay: ask an owner."
        await wait_for_async(lambda: screen_text(pilot, "#role-line") == reason, pilot=pilot)
        await pilot.press("a", "r", "m")  # Top up, Recharge and Team are greyed: nothing opens
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        app.open_screen("add_credits")  # as the command palette would
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        toasts = [str(toast.render()) for toast in app.screen.query("Toast").results(Static)]
        assert any(reason in toast for toast in toasts), toasts
        await go_to(pilot, SessionsScreen, "w")
        assert pilot.app.screen.query_one("#sessions", DataTable).row_count == 1
    assert live_server.charge_count(boss.account_id) == 0


async def test_sign_out_a_session_elsewhere(make_app: MakeApp, live_server: LiveServer) -> None:
    owner = live_server.make_owner()
    async with httpx.AsyncClient(base_url=live_server.url) as other:
        body = {"email": owner.email, "password": owner.password}
        assert (await other.post("/v1/sessions", json=body)).status_code == 201
    async with run_on_dashboard(make_app(signed_in_as=owner)) as pilot:
        await go_to(pilot, SessionsScreen, "w")
        table = pilot.app.screen.query_one("#sessions", DataTable)
        assert table.row_count == 2
        this_one = [i for i in range(2) if "(this one)" in str(table.get_row_at(i)[0])]
        table.move_cursor(row=1 - this_one[0])
        await pilot.press("ctrl+r")
        await settle(pilot)
        await pilot.press("y")
        await wait_for_async(
            lambda: "Signed out there." in screen_text(pilot, "#sessions-result"), pilot=pilot
        )
        assert table.row_count == 1
        assert "(this one)" in str(table.get_row_at(0)[0])
