"""The SSH server: who may connect (a registered key; the sign-in screen only if the operator
allows it), and nothing but the app: no port, agent or X11 forwarding, no exec, no subsystems."""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass
from pathlib import Path

import asyncssh

from credits_client.ssh_gateway import SshGateway
from tui.serve_ssh.hub import Hub
from tui.serve_ssh.options import ServeOptions
from tui.serve_ssh.session import AppSession, base_environment

log = logging.getLogger("credits_tui.serve_ssh")


def credits_tui_executable() -> str:
    return str(Path(sys.executable).parent / "credits-tui")


@dataclass
class Gateway:
    """What every connection shares."""

    options: ServeOptions
    service: SshGateway
    hub: Hub

    def app_command(self) -> list[str]:
        command = [credits_tui_executable()]
        if self.options.config is not None:
            command += ["--config", str(self.options.config)]
        if self.options.api_url is not None:
            command += ["--api-url", self.options.api_url]
        return command

    def app_environment(self, term: str) -> dict[str, str]:
        env = base_environment()
        env["TERM"] = term
        return env


class Connection(asyncssh.SSHServer):
    """One client connection. Public-key auth asks the credits service whether the key is
    registered; asyncssh then checks the client's signature."""

    def __init__(self, gateway: Gateway) -> None:
        self._gateway = gateway
        self._key_text: str | None = None
        self._peer = "?"

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        peer = conn.get_extra_info("peername")
        self._peer = str(peer[0]) if peer else "?"

    def connection_lost(self, exc: Exception | None) -> None:
        log.info("connection from %s closed", self._peer)

    def begin_auth(self, username: str) -> bool:
        return True  # always authenticate (the user name itself is ignored)

    def public_key_auth_supported(self) -> bool:
        return True

    async def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        # Called for the client's query and again for its signed request; the key of the last
        # call before success is the proven one.
        text = key.export_public_key("openssh").decode().split()
        openssh = " ".join(text[:2])
        known = await self._gateway.service.known(openssh)
        self._key_text = openssh if known else None
        if not known:
            log.info("refused an unregistered key from %s", self._peer)
        return known

    def password_auth_supported(self) -> bool:
        return False

    def kbdint_auth_supported(self) -> bool:
        return self._gateway.options.allow_password

    def get_kbdint_challenge(self, username: str, lang: str, submethods: str) -> bool:
        # In with no question: the app's own sign-in screen asks for email and password.
        self._key_text = None
        return True

    def session_requested(self) -> AppSession:
        return AppSession(self._gateway, self._key_text)


async def listen(gateway: Gateway, host_key: asyncssh.SSHKey) -> asyncssh.SSHAcceptor:
    options = gateway.options
    return await asyncssh.create_server(
        lambda: Connection(gateway),
        options.host,
        options.port,
        server_host_keys=[host_key],
        agent_forwarding=False,
        x11_forwarding=False,
        allow_scp=False,
        line_editor=False,
        encoding=None,
        login_timeout=30,
        keepalive_interval=30,
        keepalive_count_max=3,
        server_version="credits-tui",
    )
