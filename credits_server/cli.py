"""The `credits-server` command line: serve, migrate, create-user, seed-demo, create-api-key,
simulate-usage, add-ssh-key, and the operators' commands (credits_server/cli_operators.py)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import getpass
import json
import os
import socket
import stat
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from credits_core.roles import ROLES
from credits_server import __version__, cli_operators, cli_ssh
from credits_server.cli_usage import add_commands, run_command, run_uvicorn

# How `serve` runs uvicorn (bench/ref_hello_api.py, its reference, uses the same). uvloop's event
# loop and httptools' parser (uvicorn[standard]) rather than asyncio and h11: measured with wrk on
# 2 cores, single usage debits 1,272 -> 1,806/s and a hello-world endpoint 3,643 -> 6,865/s.
# Named, not left to uvicorn's "auto", so a missing extra fails at start instead of running slow.
SERVE_OPTIONS: dict[str, Any] = {
    "log_level": "warning",
    "access_log": False,
    "lifespan": "on",
    # uvicorn would believe X-Forwarded-For from 127.0.0.1: the app decides (`trusted_proxies`).
    "proxy_headers": False,
    "loop": "uvloop",
    "http": "httptools",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="credits-server",
        description=(
            "The credits service: balance, ledger, top-ups and auto-recharge over HTTP. "
            "Settings come from CREDITS_SERVER_* variables and an optional TOML file "
            "($CREDITS_SERVER_CONFIG)."
        ),
    )
    parser.add_argument("--version", action="version", version=f"credits-server {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    serve = commands.add_parser("serve", help="serve the API")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    where = serve.add_mutually_exclusive_group()
    where.add_argument("--port", type=int, default=8000, help="TCP port (default 8000)")
    where.add_argument("--uds", metavar="PATH", help="listen on a Unix domain socket instead")
    serve.add_argument(
        "--demo", action="store_true", help="seed the demo account and serve its credentials"
    )
    serve.add_argument("--migrate", action="store_true", help="apply migrations before serving")

    commands.add_parser("migrate", help="apply the database migrations")

    create_user = commands.add_parser(
        "create-user", help="create a user (password read from standard input)"
    )
    create_user.add_argument("--email", required=True)
    create_user.add_argument(
        "--account", required=True, metavar="NAME", help="account name (created if new)"
    )
    create_user.add_argument("--role", choices=list(ROLES), default="owner")

    commands.add_parser("seed-demo", help="create the demo account (does nothing if it exists)")
    add_commands(commands)
    cli_ssh.add_commands(commands)
    cli_operators.add_commands(commands)
    return parser


class OperatorError(Exception):
    """A mistake in the settings or the database the operator can fix: one line, exit 2."""


def _settings(**overrides: Any) -> Any:
    from credits_server.settings_load import SettingsError, load_settings

    try:
        return load_settings(**overrides)
    except SettingsError as error:
        raise OperatorError(str(error)) from None


@contextlib.contextmanager
def _database(settings: Any) -> Iterator[None]:
    """Turn a database that cannot be reached (or its driver missing) into one line."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, DBAPIError

    url = settings.resolved_database_url()
    try:
        yield
    except ModuleNotFoundError as error:
        if error.name != "asyncpg":
            raise
        raise OperatorError(
            "database_url is a PostgreSQL URL, but its driver (asyncpg) is not installed: "
            "install credits-tui[postgres]"
        ) from None
    except ArgumentError as error:
        raise OperatorError(f"bad value for 'database_url': {error}") from None
    except (DBAPIError, OSError) as error:
        shown = make_url(url).render_as_string(hide_password=True)
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        raise OperatorError(f"cannot reach the database {shown}: {reason}") from None


def _migrate(settings: Any) -> None:
    from credits_server.migrate import migrate_sync

    with _database(settings):
        migrate_sync(settings.resolved_database_url())


def _check_schema(settings: Any) -> None:
    from credits_server.migrate import schema_problem

    with _database(settings):
        problem = schema_problem(settings.resolved_database_url())
    if problem is not None:
        raise OperatorError(problem)


async def _with_context(settings: Any, action: Any) -> Any:
    from credits_server.context import make_context

    ctx = make_context(settings)
    try:
        return await action(ctx)
    finally:
        await ctx.db.dispose()


def _seed_demo(settings: Any) -> str:
    from credits_server.services.demo import seed_demo

    account_id: str = asyncio.run(_with_context(settings, seed_demo))
    return account_id


def _read_password() -> str:
    if sys.stdin.isatty():
        return getpass.getpass("Password: ")
    return sys.stdin.readline().rstrip("\r\n")


def _create_user(settings: Any, email: str, account_name: str, role: str, password: str) -> Any:
    from credits_server.services.users import create_user_with_account

    async def action(ctx: Any) -> Any:
        return await create_user_with_account(ctx, email, account_name, role, password)

    return asyncio.run(_with_context(settings, action))


def _free_stale_socket(path: str) -> None:
    """Remove a socket file left by a server that is gone; never one a live server answers on."""
    target = Path(path)
    if not target.exists() or not stat.S_ISSOCK(target.stat().st_mode):
        return
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        probe.connect(path)
    except OSError:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
    finally:
        probe.close()


def _serve(args: argparse.Namespace) -> int:
    from credits_server.api import create_app

    overrides: dict[str, Any] = {}
    if args.demo:
        overrides["demo"] = True
    if args.migrate:
        overrides["migrate_on_start"] = True
    settings = _settings(**overrides)
    if settings.migrate_on_start:
        _migrate(settings)
    else:
        _check_schema(settings)
    if settings.demo:
        with _database(settings):
            _seed_demo(settings)
    app = create_app(settings)
    if args.uds:
        _free_stale_socket(args.uds)
        run_uvicorn(app, uds=args.uds, **SERVE_OPTIONS)
    else:
        run_uvicorn(app, host=args.host, port=args.port, **SERVE_OPTIONS)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        return _run(args)
    except OperatorError as error:
        print(f"credits-server: {error}", file=sys.stderr)
        return 2


def _run(args: argparse.Namespace) -> int:
    if args.command == "serve":
        return _serve(args)
    settings = _settings()
    if args.command == "migrate":
        _migrate(settings)
        return 0
    if args.command == "seed-demo":
        with _database(settings):
            _seed_demo(settings)
        return 0
    with _database(settings):
        handled = run_command(args, settings)
        if handled is None:
            handled = cli_ssh.run_command(args, settings)
        if handled is None:
            handled = cli_operators.run_command(args, settings)
    if handled is not None:
        return handled
    assert args.command == "create-user"
    password = _read_password()
    if len(password) < 8:
        print("credits-server: the password needs at least 8 characters", file=sys.stderr)
        return 2
    from credits_server.errors import DomainError

    try:
        with _database(settings):
            user = _create_user(settings, args.email, args.account, args.role, password)
    except DomainError as error:
        print(f"credits-server: {error.detail}", file=sys.stderr)
        return 1
    print(json.dumps({"user_id": user.id, "account_id": user.account_id}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
