"""What the operator chooses for `credits-tui serve-ssh`, with the defaults."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

APP_NAME = "credits-tui"


def state_dir() -> Path:
    return Path(platformdirs.user_state_dir(APP_NAME, appauthor=False))


@dataclass(frozen=True, slots=True)
class ServeOptions:
    host: str = "0.0.0.0"  # noqa: S104 - a service for a team: it listens on the network
    port: int = 2222
    host_key: Path = field(default_factory=lambda: state_dir() / "ssh_host_ed25519_key")
    api_url: str | None = None
    """None: as configured (the embedded server when no api_url is set anywhere)."""
    config: Path | None = None
    api_key_file: Path | None = None
    """The gateway's API key (scope ssh); with the embedded server, made once and kept here."""
    idle_timeout: float = 15 * 60
    """Seconds without a key pressed before a session is ended."""
    max_sessions: int = 50
    max_sessions_per_user: int = 5
    max_unauthenticated: int = 30
    """Connections still signing in, in total (more are refused at once)."""
    max_unauthenticated_per_address: int = 10
    key_failures: int = 20
    """Unregistered keys one client address may offer in `key_failure_window` before it waits."""
    key_failure_delay: float = 30.0
    """The first wait once over `key_failures`; each further failure doubles it."""
    key_failure_window: float = 15 * 60
    allow_password: bool = False
    """Let clients without a registered key in, to the sign-in screen."""
    grace: float = 5.0
    """Seconds an app gets to end after its connection closes, before it is killed."""

    @property
    def gateway_key_path(self) -> Path:
        return self.api_key_file or self.host_key.with_name("ssh_gateway_api_key")
