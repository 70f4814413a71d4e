"""Run the SSH server until SIGTERM or SIGINT: then every session is told and ended cleanly."""

from __future__ import annotations

import asyncio
import signal
import sys
from contextlib import AsyncExitStack
from typing import TYPE_CHECKING

from tui.serve_ssh.options import ServeOptions

if TYPE_CHECKING:
    from credits_client.config import Settings

SHUTDOWN_NOTICE = "The credits service is restarting; connect again in a minute."


def serve(options: ServeOptions) -> int:
    from credits_client.api.logs import configure_logging
    from credits_client.config import ConfigError, load_settings

    overrides = {} if options.api_url is None else {"api_url": options.api_url}
    try:
        settings = load_settings(options.config, overrides)
    except ConfigError as error:
        print(f"credits-tui: {error}", file=sys.stderr)
        return 2
    configure_logging(settings.log_file)
    from tui.serve_ssh.service import ServiceError, ServiceUnreachable

    # One line each: exit 1 when the credits service cannot be reached (it may pass), 2 when
    # the operator must act (a missing or refused API key, a host key or address that fails).
    try:
        return asyncio.run(_serve(options, settings))
    except ServiceUnreachable as error:
        return _fail(str(error), 1)
    except ServiceError as error:
        return _fail(str(error), 2)
    except HostKeyError as error:
        return _fail(f"cannot use the host key {options.host_key}: {error}", 2)
    except OSError as error:
        reason = error.strerror or str(error)
        return _fail(f"cannot listen on {options.host}:{options.port}: {reason}", 2)


class HostKeyError(Exception):
    """The host key file cannot be read or made."""


def _fail(message: str, status: int) -> int:
    print(f"credits-tui serve-ssh: {message}", file=sys.stderr)
    return status


async def _serve(options: ServeOptions, settings: Settings) -> int:
    from tui.serve_ssh import host_key
    from tui.serve_ssh.hub import Hub
    from tui.serve_ssh.server import Gateway, listen
    from tui.serve_ssh.service import open_service

    try:
        key = host_key.load_or_create(options.host_key)
    except (OSError, ValueError) as error:
        raise HostKeyError(getattr(error, "strerror", None) or str(error)) from None
    print(f"host key {host_key.fingerprint(key)} ({options.host_key})", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    async with AsyncExitStack() as stack:
        service = await open_service(settings, options, stack)
        hub = Hub(options.max_sessions, options.max_sessions_per_user)
        acceptor = await listen(Gateway(options, service, hub), key)
        port = acceptor.get_port()
        print(f"listening on {options.host}:{port}", flush=True)
        await stop.wait()
        acceptor.close()
        await hub.end_all(SHUTDOWN_NOTICE)
        await acceptor.wait_closed()
    print("stopped", flush=True)
    return 0
