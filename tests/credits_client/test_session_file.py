"""The remembered session: a 0600 file in the XDG state dir, for one server, removed by logout."""

from __future__ import annotations

import shutil
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pydantic import SecretStr

from credits_client.api.models import User
from credits_client.session_file import RememberedSession, SessionFile, session_path

# Written by the app's own SessionFile.save when the roles were "owner" and "member".
BEFORE_ROLES = Path(__file__).parent / "data" / "session_before_roles.json"
USER = User(id="u1", email="owner@example.com", role="owner", account_id="a1")


def remembered(server: str = "https://credits.example.com", hours: int = 1) -> RememberedSession:
    return RememberedSession(
        server=server,
        token=SecretStr("secret-token-value"),
        expires_at=datetime.now(UTC) + timedelta(hours=hours),
        user=USER,
    )


def test_saved_under_xdg_state_home_readable_by_owner_only(tmp_path: Path) -> None:
    path = session_path()
    assert path == tmp_path / "xdg_state_home" / "credits-tui" / "session.json"
    SessionFile().save(remembered())
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    loaded = SessionFile().load("https://credits.example.com")
    assert loaded is not None
    assert loaded.token.get_secret_value() == "secret-token-value"
    assert loaded.user == USER
    assert "secret-token-value" not in repr(loaded)


def test_not_used_for_another_server_or_when_expired() -> None:
    files = SessionFile()
    files.save(remembered(server="https://a.example.com"))
    assert files.load("https://b.example.com") is None
    files.save(remembered(hours=-1))
    assert files.load("https://credits.example.com") is None


def test_unreadable_file_counts_as_none() -> None:
    path = session_path()
    path.parent.mkdir(parents=True)
    path.write_text("{not json")
    assert SessionFile().load("https://credits.example.com") is None


def test_forget_removes_the_file() -> None:
    SessionFile().save(remembered())
    assert SessionFile().forget() is True
    assert not session_path().exists()
    assert SessionFile().forget() is False


def test_a_file_written_by_an_earlier_version_is_still_read(tmp_path: Path) -> None:
    """The file's fields are a format on disk: an upgrade must not sign everybody out."""
    import json

    path = session_path()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    path.write_text(
        json.dumps(
            {
                "server": "https://credits.example.com",
                "token": "secret-token-value",
                "expires_at": (datetime.now(UTC) + timedelta(hours=1)).isoformat(),
                "user": USER.model_dump(mode="json"),
            }
        )
    )
    path.chmod(0o600)
    loaded = SessionFile().load("https://credits.example.com")
    assert loaded is not None
    assert loaded.token.get_secret_value() == "secret-token-value"


def test_a_member_remembered_before_roles_is_a_viewer() -> None:
    path = session_path()
    path.parent.mkdir(parents=True)
    shutil.copyfile(BEFORE_ROLES, path)
    loaded = SessionFile().load("https://credits.example.com")
    assert loaded is not None
    assert loaded.user.role == "viewer"
    assert loaded.user.email == "member@example.com"
    assert loaded.token.get_secret_value() == "remembered-before-roles"
