"""The `credits-tui serve-ssh` command's flags (cheap to import: the server loads when it runs)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tui.serve_ssh import ServeOptions


def _port(text: str) -> int:
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a TCP port (0 to 65535)")
    return int(text)


def add_serve_ssh(commands: Any) -> None:
    serve = commands.add_parser(
        "serve-ssh",
        help="serve the app over SSH: each person, signed in by their SSH key, gets their own",
    )
    serve.add_argument("--host", default="0.0.0.0", help="address to listen on (default all)")  # noqa: S104
    serve.add_argument("--port", type=_port, default=2222, help="TCP port (default 2222; 0: any)")
    serve.add_argument(
        "--host-key", type=Path, metavar="FILE", help="host key (made on first start, 0600)"
    )
    serve.add_argument(
        "--api-key-file",
        type=Path,
        metavar="FILE",
        help="the gateway's API key (scope ssh); made and kept here with the embedded server",
    )
    # Also accepted before the command, as for the app; SUPPRESS keeps a value given there.
    serve.add_argument(
        "--api-url",
        metavar="URL",
        default=argparse.SUPPRESS,
        help="credits server the apps use (default: as configured, else the embedded one)",
    )
    serve.add_argument(
        "--config", type=Path, metavar="PATH", default=argparse.SUPPRESS, help="for every app"
    )
    serve.add_argument(
        "--idle-timeout",
        type=float,
        default=900.0,
        metavar="SECONDS",
        help="end a session after this long without a key pressed (default 900)",
    )
    serve.add_argument(
        "--max-sessions", type=int, default=50, metavar="N", help="in total (default 50)"
    )
    serve.add_argument(
        "--max-sessions-per-user", type=int, default=5, metavar="N", help="per person (default 5)"
    )
    serve.add_argument(
        "--max-unauthenticated",
        type=int,
        default=30,
        metavar="N",
        help="connections still signing in, in total (default 30; more are refused)",
    )
    serve.add_argument(
        "--max-unauthenticated-per-address",
        type=int,
        default=10,
        metavar="N",
        help="connections still signing in from one address (default 10)",
    )
    serve.add_argument(
        "--key-failures",
        type=int,
        default=20,
        metavar="N",
        help="unregistered keys one address may offer in 15 minutes before it waits (default 20)",
    )
    serve.add_argument(
        "--key-failure-delay",
        type=float,
        default=30.0,
        metavar="SECONDS",
        help="the first such wait; it doubles with each further failure (default 30)",
    )
    serve.add_argument(
        "--allow-password",
        action="store_true",
        help="let in clients without a registered key, to the sign-in screen",
    )


def serve_options(args: argparse.Namespace) -> ServeOptions:
    from tui.serve_ssh import ServeOptions

    chosen: dict[str, Any] = {
        "host": args.host,
        "port": args.port,
        "api_url": args.api_url,
        "config": args.config,
        "api_key_file": args.api_key_file,
        "idle_timeout": args.idle_timeout,
        "max_sessions": args.max_sessions,
        "max_sessions_per_user": args.max_sessions_per_user,
        "max_unauthenticated": args.max_unauthenticated,
        "max_unauthenticated_per_address": args.max_unauthenticated_per_address,
        "key_failures": args.key_failures,
        "key_failure_delay": args.key_failure_delay,
        "allow_password": args.allow_password,
    }
    if args.host_key is not None:
        chosen["host_key"] = args.host_key
    return ServeOptions(**chosen)
