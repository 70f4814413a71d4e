"""The remembered sign-in: a 0600 JSON file under the user state dir ($XDG_STATE_HOME/credits-tui).

Only written when the person asks to be remembered; `credits-tui logout` removes it. keyring is not
a dependency, so the file is the only store. It holds the token for ONE server, and the token is
never sent to any other.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import platformdirs
from pydantic import SecretStr, ValidationError

from credits_client.api.models import User
from credits_core.roles import FORMER_ROLES

APP_NAME = "credits-tui"
log = logging.getLogger("credits_client.session")


def session_path() -> Path:
    """Where the remembered session lives (platformdirs honours $XDG_STATE_HOME at call time)."""
    return Path(platformdirs.user_state_dir(APP_NAME, appauthor=False)) / "session.json"


def read_user(raw: object) -> User:
    """The remembered user; a role of a file written before today's roles by its new name."""
    if isinstance(raw, dict) and (role := raw.get("role")) in FORMER_ROLES:
        raw = {**raw, "role": FORMER_ROLES[role].value}
    return User.model_validate(raw)


@dataclass(frozen=True, slots=True)
class RememberedSession:
    server: str
    token: SecretStr
    expires_at: datetime
    user: User

    @property
    def expired(self) -> bool:
        return self.expires_at <= datetime.now(UTC)


class SessionFile:
    """Reads and writes the remembered session; every failure is logged and treated as 'none'."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or session_path()

    def __repr__(self) -> str:
        return f"<SessionFile {self.path}>"

    def load(self, server: str) -> RememberedSession | None:
        """The session remembered for `server`, unless missing, expired or for another server."""
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            remembered = RememberedSession(
                server=str(raw["server"]),
                token=SecretStr(str(raw["token"])),
                expires_at=datetime.fromisoformat(str(raw["expires_at"])),
                user=read_user(raw["user"]),
            )
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError, ValidationError) as error:
            log.warning(
                "ignored an unreadable session file %s (%s)", self.path, type(error).__name__
            )
            return None
        if remembered.server != server or remembered.expired:
            return None
        return remembered

    def save(self, remembered: RememberedSession) -> None:
        """Write atomically, readable by the owner only (0600, directory 0700)."""
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        body = json.dumps(
            {
                "server": remembered.server,
                "token": remembered.token.get_secret_value(),
                "expires_at": remembered.expires_at.isoformat(),
                "user": remembered.user.model_dump(mode="json"),
            }
        )
        temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                handle.write(body)
            os.chmod(temporary, 0o600)  # in case the file already existed with wider modes
            os.replace(temporary, self.path)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise

    def forget(self) -> bool:
        """Remove the file; True if there was one."""
        try:
            self.path.unlink()
        except FileNotFoundError:
            return False
        return True
