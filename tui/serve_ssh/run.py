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
    from tui.serve_ssh.service import ServiceError

    try:
        return asyncio.run(_serve(options, settings))
    except ServiceError as error:
        print(f"credits-tui serve-ssh: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"credits-tui serve-ssh: cannot listen: {error}", file=sys.stderr)
        return 1


async def _serve(options: ServeOptions, settings: Settings) -> int:
    from tui.serve_ssh import host_key
    from tui.serve_ssh.hub import Hub
    from tui.serve_ssh.server import Gateway, listen
    from tui.serve_ssh.service import open_service

    key = host_key.load_or_create(options.host_key)
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
