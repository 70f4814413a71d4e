"""Snapshots of the Team screen (members and a pending invitation), the Sessions screen, a
viewer's dashboard and the sign-in screen joining with an invitation, at 80x24 and 120x40.
Emails, dates and addresses are fixed in the database."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from textual.widgets import DataTable

from tests.screens.conftest import MakeApp, fixed_owner
from tests.screens.snapshot_support import SIZE_IDS, SIZES, signed_in, until
from tests.support.live_server import LiveServer, Owner
from tests.support.pilot import screen_text, settle, type_text
from tests.support.wait import wait_for_async

pytestmark = pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)

WHEN = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
LATER = datetime(2099, 1, 1, tzinfo=UTC)  # "last used" after now: never rewritten by a request
TEAM = {"ada@acme.test": "owner", "grace@acme.test": "billing", "linus@acme.test": "viewer"}


def fixed_team(live_server: LiveServer) -> Owner:
    """A fixed owner (ada@acme.test) with two members, a pending invitation and two sessions,
    the emails taken from whichever team of an earlier test held them."""
    owner = fixed_owner(live_server)

    async def write(ctx: Any) -> None:
        from sqlalchemy import delete, update

        from credits_server.models import Invitation, SessionToken, User
        from credits_server.security import hash_token
        from credits_server.services.accounts import create_user

        async with ctx.db.write() as session:
            for email in (*TEAM, "margaret@acme.test"):
                await session.execute(
                    update(User).where(User.email == email).values(email=f"{email}.{owner.user_id}")
                )
            await session.execute(
                delete(Invitation).where(Invitation.email == "margaret@acme.test")
            )
            await session.execute(
                update(User).where(User.id == owner.user_id).values(email="ada@acme.test")
            )
            for email, role in list(TEAM.items())[1:]:
                user = await create_user(session, owner.account_id, email, "x", role)
                user.created_at = WHEN
            await session.execute(
                update(User).where(User.account_id == owner.account_id).values(created_at=WHEN)
            )
            session.add(
                Invitation(
                    id=f"inv_{owner.user_id[-12:]}",
                    account_id=owner.account_id,
                    email="margaret@acme.test",
                    role="billing",
                    code_hash=hash_token(owner.user_id),
                    invited_by=owner.user_id,
                    created_at=WHEN,
                    expires_at=datetime(2099, 11, 27, 9, 30, tzinfo=UTC),  # shown "Nov 27"
                )
            )
            await session.execute(
                update(SessionToken)
                .where(SessionToken.user_id == owner.user_id)
                .values(
                    created_at=WHEN,
                    last_used_at=LATER,
                    client_address="203.0.113.7",
                    user_agent="credits-tui/1.0",
                )
            )
            session.add(
                SessionToken(
                    id=f"sess_{owner.user_id[-12:]}",
                    token_hash=hash_token(f"phone {owner.user_id}"),
                    user_id=owner.user_id,
                    created_at=datetime(2026, 10, 28, 8, 0, tzinfo=UTC),
                    expires_at=LATER,
                    last_used_at=datetime(2098, 12, 31, tzinfo=UTC),
                    client_address="198.51.100.23",
                    user_agent="credits-tui/0.9 (over SSH)",
                )
            )

    live_server.run(write)
    return owner


def rows(table_id: str, count: int) -> Any:
    return until(lambda pilot: pilot.app.screen.query_one(table_id, DataTable).row_count == count)


def test_team_screen(
    snap_compare: Any, make_app: MakeApp, live_server: LiveServer, size: Any
) -> None:
    app = make_app(signed_in_as=fixed_team(live_server))
    steps = signed_in("m", rows("#members", 3), rows("#invitations", 1))
    assert snap_compare(app, terminal_size=size, run_before=steps)


def test_sessions_screen(
    snap_compare: Any, make_app: MakeApp, live_server: LiveServer, size: Any
) -> None:
    app = make_app(signed_in_as=fixed_team(live_server))
    assert snap_compare(app, terminal_size=size, run_before=signed_in("w", rows("#sessions", 2)))


def test_a_viewers_dashboard(
    snap_compare: Any, make_app: MakeApp, live_server: LiveServer, size: Any
) -> None:
    owner = fixed_owner(live_server)
    viewer = live_server.add_user(owner.account_id, role="viewer")
    app = make_app(signed_in_as=viewer)
    shown = until(lambda pilot: "viewer" in screen_text(pilot, "#role-line"))
    assert snap_compare(app, terminal_size=size, run_before=signed_in(shown))


def test_login_with_an_invitation(
    snap_compare: Any, make_app: MakeApp, live_server: LiveServer, size: Any
) -> None:
    """ctrl+n on the sign-in screen: the code, the email and a new password; a wrong code."""
    app = make_app()

    async def run_before(pilot: Any) -> None:
        await wait_for_async(lambda: app.account_state.connection == "online", pilot=pilot)
        await pilot.press("ctrl+n")
        await wait_for_async(
            lambda: app.focused is not None and app.focused.id == "invitation-code", pilot=pilot
        )
        await type_text(pilot, "ABCD-EFGH-JKMN-PQRS")
        await pilot.press("enter")
        await type_text(pilot, f"nobody-{size[0]}@acme.test")
        await pilot.press("enter")
        await type_text(pilot, "a new password")
        await pilot.press("enter")
        await wait_for_async(lambda: "not valid" in screen_text(pilot, "#login-error"), pilot=pilot)
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


def test_an_invitations_code(
    snap_compare: Any, make_app: MakeApp, live_server: LiveServer, size: Any
) -> None:
    """What an owner sees after inviting: the code once, its link as a QR code, and that it is
    emailed to the invitee too."""
    from credits_client.api.models import NewInvitation
    from screens.team_modals import InvitationCodeScreen

    made = NewInvitation(
        id="inv_1",
        email="margaret@acme.test",
        role="billing",
        created_at=WHEN,
        expires_at=datetime(2026, 11, 9, 9, 30, tzinfo=UTC),
        code="ABCD-EFGH-JKMN-PQRS",
        link="https://credits.example.test/invitation#ABCD-EFGH-JKMN-PQRS",
        emailed="queued",
    )

    async def show(pilot: Any) -> None:
        await pilot.app.push_screen(InvitationCodeScreen(made))

    app = make_app(signed_in_as=fixed_owner(live_server))
    assert snap_compare(app, terminal_size=size, run_before=signed_in(show))
