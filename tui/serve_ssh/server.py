"""The SSH server: who may connect (a registered key; the sign-in screen only if the operator
allows it), and nothing but the app: no port, agent or X11 forwarding, no exec, no subsystems."""

from __future__ import annotations

import asyncio
import logging
import sys
from dataclasses import dataclass, field
from pathlib import Path

import asyncssh

from credits_client.ssh_gateway import SshGateway
from tui.serve_ssh.door import KeyThrottle, SigningIn
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
    throttle: KeyThrottle = field(init=False)
    signing_in: SigningIn = field(init=False)

    def __post_init__(self) -> None:
        options = self.options
        self.throttle = KeyThrottle(
            options.key_failures, options.key_failure_delay, options.key_failure_window
        )
        self.signing_in = SigningIn(
            options.max_unauthenticated, options.max_unauthenticated_per_address
        )

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
    registered; asyncssh then checks the client's signature. Until it is signed in, the
    connection counts against the caps on connections signing in, and the unregistered keys it
    offers count against its address (forgiven if it gets in)."""

    def __init__(self, gateway: Gateway) -> None:
        self._gateway = gateway
        self._key_text: str | None = None
        self._peer = "?"
        self._signing_in = False
        self._failures: list[float] = []

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        peer = conn.get_extra_info("peername")
        self._peer = str(peer[0]) if peer else "?"
        refused = self._gateway.signing_in.enter(self._peer)
        if refused is None:
            self._signing_in = True
            return
        # Dropped before the key exchange costs anything, as sshd's MaxStartups does. The reason
        # goes out after asyncssh's version line; the client shows it unless the close (reset by
        # its own unread key exchange) overtakes it.
        log.info("refused a connection from %s: %s", self._peer, refused)
        code = asyncssh.DISC_TOO_MANY_CONNECTIONS
        asyncio.get_running_loop().call_soon(conn.disconnect, code, refused)

    def _throttled(self) -> str | None:
        wait = self._gateway.throttle.wait(self._peer, asyncio.get_running_loop().time())
        if not wait:
            return None
        return f"Too many failed key sign-ins from {self._peer}; try again in {wait} seconds."

    def _signed_in_or_gone(self) -> None:
        if self._signing_in:
            self._signing_in = False
            self._gateway.signing_in.leave(self._peer)

    def auth_completed(self) -> None:
        self._signed_in_or_gone()
        self._gateway.throttle.forgive(self._peer, self._failures)

    def connection_lost(self, exc: Exception | None) -> None:
        self._signed_in_or_gone()
        log.info("connection from %s closed", self._peer)

    def begin_auth(self, username: str) -> bool:
        # Refused here, after the key exchange, so that the client shows why.
        refused = self._throttled()
        if refused is not None:
            log.info("refused a connection from %s: %s", self._peer, refused)
            raise asyncssh.PermissionDenied(refused)
        return True  # always authenticate (the user name itself is ignored)

    def public_key_auth_supported(self) -> bool:
        return True

    async def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        # Called for the client's query and again for its signed request; the key of the last
        # call before success is the proven one.
        refused = self._throttled()  # other connections from here may have failed meanwhile
        if refused is not None:
            raise asyncssh.PermissionDenied(refused)
        text = key.export_public_key("openssh").decode().split()
        openssh = " ".join(text[:2])
        known = await self._gateway.service.known(openssh)
        self._key_text = openssh if known else None
        if not known:
            log.info("refused an unregistered key from %s", self._peer)
            now = asyncio.get_running_loop().time()
            self._failures.append(self._gateway.throttle.failed(self._peer, now))
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
