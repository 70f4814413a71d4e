"""`credits-tui logout` revokes the remembered token on the server, and signs this machine out
even when the server cannot be reached (saying until when the token still works)."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import respx
from pydantic import SecretStr

from credits_client.api.models import User
from credits_client.session_file import RememberedSession, SessionFile, session_path
from tests.support.live_server import LiveServer, Owner
from tui.cli import main

EXPIRES_AT = datetime(2031, 5, 17, 9, 30, tzinfo=UTC)


def remember(owner: Owner, server: str, *, expires_at: datetime = EXPIRES_AT) -> Path:
    """The session file the app writes after "Remember me" (for `owner` on `server`)."""
    user = User(id=owner.user_id, email=owner.email, role="owner", account_id=owner.account_id)
    session_file = SessionFile(session_path())
    session_file.save(RememberedSession(server, SecretStr(owner.token), expires_at, user))
    return session_file.path


def account_status(live_server: LiveServer, token: str) -> tuple[int, str | None]:
    """What the server answers to the token (status and problem code)."""
    response = httpx.get(
        f"{live_server.url}/v1/account", headers={"Authorization": f"Bearer {token}"}
    )
    code = None if response.is_success else response.json().get("code")
    return response.status_code, code


def test_logout_revokes_the_token_on_the_server_and_forgets_the_file(
    live_server: LiveServer, owner: Owner, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = remember(owner, live_server.url)
    copy = shutil.copy(path, tmp_path / "copied-session.json")  # someone took a copy
    assert account_status(live_server, owner.token) == (200, None)

    assert main(["--api-url", live_server.url, "logout"]) == 0

    shown = capsys.readouterr()
    assert shown.out == "Signed out: the session is revoked on the server and forgotten here.\n"
    assert shown.err == ""
    assert not path.exists()
    assert account_status(live_server, owner.token) == (401, "unauthenticated")

    # The copy, put back, signs nobody in.
    shutil.copy(copy, path)
    assert main(["--api-url", live_server.url, "balance"]) == 2
    assert "not signed in" in capsys.readouterr().err


def test_logout_with_the_server_unreachable_forgets_the_file_and_says_until_when_the_token_works(
    live_server: LiveServer, owner: Owner, capsys: pytest.CaptureFixture[str]
) -> None:
    path = remember(owner, live_server.url)
    # A fault the real server cannot produce on demand: the revocation never gets through.
    with respx.mock(assert_all_called=True) as router:
        router.delete(f"{live_server.url}/v1/sessions/current").mock(
            side_effect=httpx.ConnectError("connection refused")
        )
        assert main(["--api-url", live_server.url, "logout"]) == 0

    shown = capsys.readouterr()
    assert shown.out == "Signed out here: the remembered session is forgotten.\n"
    assert "the token could not be revoked on the server" in shown.err
    assert "it expires at 2031-05-17 09:30 UTC" in shown.err
    assert "cannot be reached" in shown.err
    assert not path.exists()
    assert account_status(live_server, owner.token) == (200, None)  # as the message says


def test_logout_of_a_token_the_server_already_revoked_is_a_plain_sign_out(
    live_server: LiveServer, owner: Owner, capsys: pytest.CaptureFixture[str]
) -> None:
    path = remember(owner, live_server.url)
    revoked = httpx.delete(
        f"{live_server.url}/v1/sessions/current", headers={"Authorization": f"Bearer {owner.token}"}
    )
    assert revoked.status_code == 204

    assert main(["--api-url", live_server.url, "logout"]) == 0

    shown = capsys.readouterr()
    assert shown.out == "Signed out: the session is revoked on the server and forgotten here.\n"
    assert shown.err == ""
    assert not path.exists()


def test_logout_with_nothing_remembered_says_so(
    live_server: LiveServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--api-url", live_server.url, "logout"]) == 0
    assert capsys.readouterr().out == "No remembered session to forget.\n"


def test_logout_of_an_expired_session_forgets_it(
    live_server: LiveServer, owner: Owner, capsys: pytest.CaptureFixture[str]
) -> None:
    path = remember(owner, live_server.url, expires_at=datetime.now(UTC) - timedelta(minutes=1))

    assert main(["--api-url", live_server.url, "logout"]) == 0

    assert capsys.readouterr().out == (
        "Signed out: the remembered session is forgotten (there was no valid token to revoke).\n"
    )
    assert not path.exists()
