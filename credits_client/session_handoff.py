"""A session handed to the app by `credits-tui serve-ssh`, through an inherited pipe.

The SSH gateway signs its user in and starts the app with the session's JSON in a pipe whose
descriptor `CREDITS_TUI_SESSION_FD` names ("none": no session, the sign-in screen shows). Such an
app never reads or writes the remembered-session file: every SSH user runs as the gateway's one
system user, and that file would sign one person in as another.
"""

from __future__ import annotations

import json
import logging
import os
from datetime import datetime
from pathlib import Path

from pydantic import SecretStr, ValidationError

from credits_client.api.models import User
from credits_client.session_file import RememberedSession, SessionFile

ENV_FD = "CREDITS_TUI_SESSION_FD"
NO_SESSION = "none"
log = logging.getLogger("credits_client.session")


def encode(remembered: RememberedSession) -> bytes:
    return json.dumps(
        {
            "server": remembered.server,
            "token": remembered.token.get_secret_value(),
            "expires_at": remembered.expires_at.isoformat(),
            "user": remembered.user.model_dump(mode="json"),
        }
    ).encode()


def _read_all(descriptor: int) -> bytes:
    chunks = []
    with os.fdopen(descriptor, "rb") as pipe:
        while chunk := pipe.read(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def _decode(body: bytes) -> RememberedSession | None:
    try:
        raw = json.loads(body)
        return RememberedSession(
            server=str(raw["server"]),
            token=SecretStr(str(raw["token"])),
            expires_at=datetime.fromisoformat(str(raw["expires_at"])),
            user=User.model_validate(raw["user"]),
        )
    except (ValueError, KeyError, TypeError, ValidationError) as error:
        log.warning("ignored an unreadable handed session (%s)", type(error).__name__)
        return None


class HandedSession(SessionFile):
    """The handed session, kept in memory only; signing out or in again changes only memory."""

    def __init__(self, remembered: RememberedSession | None) -> None:
        super().__init__(Path(os.devnull))
        self._remembered = remembered

    def __repr__(self) -> str:
        return "<HandedSession>"

    def load(self, server: str) -> RememberedSession | None:
        remembered = self._remembered
        if remembered is None or remembered.server != server or remembered.expired:
            return None
        return remembered

    def save(self, remembered: RememberedSession) -> None:
        self._remembered = remembered

    def forget(self) -> bool:
        had, self._remembered = self._remembered is not None, None
        return had


_handed: HandedSession | None = None


def default_session_file() -> SessionFile:
    """The handed session when serve-ssh started this process (read once), else the file."""
    global _handed
    if _handed is not None:
        return _handed
    value = os.environ.pop(ENV_FD, None)
    if value is None:
        return SessionFile()
    remembered = None
    if value != NO_SESSION:
        try:
            remembered = _decode(_read_all(int(value)))
        except (OSError, ValueError) as error:
            log.warning("could not read the handed session (%s)", type(error).__name__)
    _handed = HandedSession(remembered)
    return _handed
