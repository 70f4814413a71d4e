"""`credits-tui serve-ssh` on 127.0.0.1 for the tests, with a person's home (its embedded server),
and the OpenSSH client command lines that reach it."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.e2e.conftest import Home, credits_tui_executable
from tests.e2e.flow import DEMO_EMAIL, DEMO_PASSWORD
from tests.support.ssh_client import ServeSshProcess, new_key

__all__ = ["ServeSsh", "new_key"]


class ServeSsh(ServeSshProcess):
    """The server process in `home` (which the embedded server inherits too)."""

    def __init__(self, home: Home, *args: str, env: dict[str, str] | None = None) -> None:
        self.home = home
        super().__init__(
            credits_tui_executable(), home.root, *args, env={**home.env, **(env or {})}
        )

    def register(self, key: Path) -> None:
        """Register `key`'s public half for the demo user, as on the SSH keys screen."""
        public_key_file = Path(f"{key}.pub")
        transport = httpx.HTTPTransport(uds=str(self.home.runtime_dir / "server.sock"))
        with httpx.Client(transport=transport, base_url="http://embedded") as api:
            login = api.post("/v1/sessions", json={"email": DEMO_EMAIL, "password": DEMO_PASSWORD})
            headers = {"Authorization": f"Bearer {login.json()['token']}"}
            added = api.post(
                "/v1/ssh-keys", json={"public_key": public_key_file.read_text()}, headers=headers
            )
            added.raise_for_status()
