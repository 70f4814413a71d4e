"""By keys, against a credits-server that sends email (a real SMTP server in the test): an owner
invites, the Team screen says the code is emailed, and then sent; the invitee joins with the code
from the email. Wrong codes are throttled: the invitation form says so in one line."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input

from screens.team import TeamScreen
from screens.team_modals import InvitationCodeScreen
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
from tests.support.postgres import drop_database, private_database_url
from tests.support.receivers import MailBox, smtp_receiver
from tests.support.wait import wait_for_async
from tui.app import CreditsApp

PASSWORD = "correct horse battery"
PER_EMAIL = 2


@pytest.fixture(scope="module")
def mail() -> Iterator[MailBox]:
    with smtp_receiver() as box:
        yield box


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory, mail: MailBox) -> Iterator[LiveServer]:
    """The app (`make_app`) talks to a server that emails: one server for the module."""
    database_url = private_database_url("invite")
    server = LiveServer(
        Path(tmp_path_factory.mktemp("invite-by-keys")),
        env={
            "CREDITS_SERVER_SMTP_URL": mail.url,
            "CREDITS_SERVER_MAIL_FROM": "Credits <billing@example.test>",
            "CREDITS_SERVER_NOTIFY_POLL_SECONDS": "0.05",
            "CREDITS_SERVER_LOGIN_MAX_FAILURES": str(PER_EMAIL),
        },
        database_url_override=database_url,
    )
    try:
        with server.running():
            yield server
    finally:
        if database_url is not None:
            drop_database(database_url)


def emailed(live_server: LiveServer, owner: Owner) -> list[str | None]:
    with httpx.Client(base_url=live_server.url, headers=owner.headers) as api:
        return [i["emailed"] for i in api.get("/v1/team").json()["invitations"]]


def focused(app: CreditsApp) -> str | None:
    return app.focused.id if app.focused is not None else None


async def join(app: CreditsApp, pilot: Pilot[Any], code: str, email: str) -> None:
    """On the sign-in screen: ctrl+n, then the code, the email and a new password."""
    await wait_for_async(lambda: app.account_state.connection == "online", pilot=pilot)
    await pilot.press("ctrl+n")
    await wait_for_async(lambda: focused(app) == "invitation-code", pilot=pilot)
    for text in (code, email, PASSWORD):
        await type_text(pilot, text)
        await pilot.press("enter")


async def test_the_invitee_joins_with_the_code_from_the_email(
    make_app: MakeApp, live_server: LiveServer, mail: MailBox, tmp_path: Path
) -> None:
    owner = live_server.make_owner(with_card=False)
    email = f"grace-{owner.user_id[-8:]}@example.test"
    async with run_on_dashboard(make_app(signed_in_as=owner)) as pilot:
        await go_to(pilot, TeamScreen, "m")
        await pilot.press("ctrl+s")
        await type_text(pilot, email)
        await pilot.press("ctrl+s")
        await wait_for_async(
            lambda: isinstance(pilot.app.screen, InvitationCodeScreen), pilot=pilot
        )
        assert screen_text(pilot, "#invitation-emailed") == f"Also emailed to {email}."
        await pilot.press("escape")
        said = f"Invited {email} as viewer: the code is emailed to them."
        await wait_for_async(lambda: screen_text(pilot, "#team-result") == said, pilot=pilot)

        await wait_for_async(lambda: emailed(live_server, owner) == ["sent"], pilot=pilot)
        await pilot.press("escape")
        await go_to(pilot, TeamScreen, "m")  # opened afresh: the email's state now
        invitations = pilot.app.screen.query_one("#invitations", DataTable)
        assert str(invitations.get_row_at(0)[-1]) == "sent"

    [sent] = [m for m in mail.messages if m["To"] == email]
    words = sent.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    found = re.search(r"Your one-time invitation code: (\S+)", words)
    assert found is not None
    (tmp_path / "session.json").unlink()  # the invitee's app starts on the sign-in screen
    joining = make_app()
    async with joining.run_test(size=(80, 24)) as pilot:
        await join(joining, pilot, found.group(1), email)
        await on_dashboard(pilot)
        user = joining.account_state.user
        assert user is not None
        assert (user.email, user.role, user.account_id) == (email, "viewer", owner.account_id)


async def test_too_many_wrong_codes_say_when_to_try_again(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await join(app, pilot, "ABCD-EFGH-JKMN-PQRS", "linus@example.test")
        password = app.screen.query_one("#password", Input)
        for _ in range(PER_EMAIL):  # each refusal says so and empties the password field
            await wait_for_async(
                lambda: "not valid" in screen_text(pilot, "#login-error") and not password.value,
                pilot=pilot,
            )
            await type_text(pilot, PASSWORD)
            await pilot.press("enter")
        await wait_for_async(lambda: "Too many" in screen_text(pilot, "#login-error"), pilot=pilot)
        await settle(pilot)
        assert re.fullmatch(
            r"Error: Too many invitation codes tried\. Try again in \d+ s\.",
            screen_text(pilot, "#login-error"),
        )
        assert app.screen.query_one("#login-error").size.height == 1
        assert app.screen.query_one("#sign-in").disabled
