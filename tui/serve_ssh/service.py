"""Reaching the credits service for the gateway: the configured one, or the embedded one (shared
with the apps, as any credits-tui shares it), and the gateway's own API key (scope ssh)."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from contextlib import AsyncExitStack
from pathlib import Path

from pydantic import SecretStr

from credits_client.api.errors import ApiError, ServerUnreachable
from credits_client.config import Settings
from credits_client.ssh_gateway import GatewayKeyRefused, SshGateway
from credits_client.store.session import session_key
from tui.serve_ssh.options import ServeOptions

EMBEDDED_BASE_URL = "http://credits-server.local"


class ServiceError(RuntimeError):
    """The gateway cannot work with the credits service; the message is for the operator."""


class ServiceUnreachable(ServiceError):
    """The credits service cannot be reached (or the embedded one did not start): it may pass."""


def read_key(path: Path) -> SecretStr | None:
    try:
        text = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise ServiceError(f"cannot read the API key file {path}: {error}") from None
    return SecretStr(text) if text else None


def save_key(path: Path, key: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(key + "\n")


def make_embedded_key(database_url: str) -> str:
    """A new gateway key in the embedded server's database (by credits-server, in a child)."""
    command = [sys.executable, "-m", "credits_server.cli", "create-api-key"]
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        [*command, "--name", "ssh-gateway", "--scope", "ssh"],
        env={**os.environ, "CREDITS_SERVER_DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if done.returncode != 0:
        raise ServiceError(f"could not make the gateway's API key: {done.stderr.strip()}")
    return str(json.loads(done.stdout)["key"])


async def open_service(
    settings: Settings, options: ServeOptions, stack: AsyncExitStack
) -> SshGateway:
    """The gateway's client, checked; what it holds is let go when `stack` closes."""
    key_path = options.gateway_key_path
    key = read_key(key_path)
    if settings.api_url:
        if key is None:
            raise ServiceError(
                f"no API key for the gateway in {key_path}: make one with `credits-server "
                "create-api-key --name ssh-gateway --scope ssh` and put it there (0600), "
                "or name the file with --api-key-file."
            )
        gateway = SshGateway.from_settings(settings, key, server_key=session_key(settings))
        stack.push_async_callback(gateway.aclose)
        await _check(gateway)
        return gateway
    from credits_client.embedded import EmbeddedServer, EmbeddedServerError, data_dir

    embedded = EmbeddedServer(database_dir=settings.data_dir or data_dir())
    try:
        socket_path = await asyncio.to_thread(embedded.start)
    except EmbeddedServerError as error:
        raise ServiceUnreachable(str(error)) from None
    stack.callback(embedded.close)
    await _wait_until_up(settings, socket_path)
    if key is None:
        key = SecretStr(await asyncio.to_thread(make_embedded_key, embedded.database_url))
        save_key(key_path, key.get_secret_value())
    gateway = SshGateway.from_settings(
        settings,
        key,
        # What the app files a session under: the embedded server of this data directory.
        server_key=session_key(settings),
        base_url=EMBEDDED_BASE_URL,
        uds=str(socket_path),
    )
    stack.push_async_callback(gateway.aclose)
    await _check(gateway)
    return gateway


async def _check(gateway: SshGateway) -> None:
    try:
        await gateway.check()
    except GatewayKeyRefused as error:
        raise ServiceError(str(error)) from None
    except ServerUnreachable as error:
        raise ServiceUnreachable(str(error)) from None
    except ApiError as error:
        raise ServiceError(f"the credits service refused the gateway: {error.message}") from None


async def _wait_until_up(settings: Settings, socket_path: Path, seconds: float = 60.0) -> None:
    """The embedded server may still be starting (and migrating its database)."""
    from credits_client.api.client import CreditsClient

    client = CreditsClient(EMBEDDED_BASE_URL, uds=str(socket_path), timeout=settings.timeout)
    deadline = asyncio.get_running_loop().time() + seconds
    try:
        while True:
            try:
                await client.server_info()
                return
            except ServerUnreachable:
                if asyncio.get_running_loop().time() > deadline:
                    raise ServiceUnreachable("the embedded credits server did not start") from None
                await asyncio.sleep(0.2)  # a poll interval while the server starts
    finally:
        await client.aclose()
