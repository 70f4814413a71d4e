"""`credits-server add-ssh-key`: an operator registers a user's SSH public key for serve-ssh."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any


def add_commands(commands: Any) -> None:
    add = commands.add_parser(
        "add-ssh-key", help="register a user's SSH public key (for `credits-tui serve-ssh`)"
    )
    add.add_argument("--email", required=True, help="the user the key signs in")
    add.add_argument(
        "--key-file", required=True, type=Path, metavar="FILE", help="the public key (.pub)"
    )


def run_command(args: argparse.Namespace, settings: Any) -> int | None:
    """Run one of these commands; None when `args.command` is not one of them."""
    if args.command != "add-ssh-key":
        return None
    from credits_server.errors import DomainError

    try:
        text = args.key_file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        print(f"credits-server: cannot read {args.key_file}: {error}", file=sys.stderr)
        return 2
    try:
        row = asyncio.run(_add(settings, args.email, text))
    except DomainError as error:
        print(f"credits-server: {error.detail}", file=sys.stderr)
        return 1
    print(json.dumps({"id": row.id, "fingerprint": row.fingerprint, "email": args.email}))
    return 0


async def _add(settings: Any, email: str, text: str) -> Any:
    from credits_server.context import make_context
    from credits_server.services.ssh_keys import add_key_for_email

    ctx = make_context(settings)
    try:
        return await add_key_for_email(ctx, email, text)
    finally:
        await ctx.db.dispose()
