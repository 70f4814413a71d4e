"""The operators' commands: accounts, users, password resets, API keys, money, support requests
and the audit trail. Each prints lines for a person or, with --json, one JSON document; a mistake
is one line and exit 2. Every change is audited as done by "operator" (the login name running
it)."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import sys
from collections.abc import Awaitable, Callable
from typing import Any

Handler = Callable[[Any, argparse.Namespace], Awaitable[Any]]


def add_commands(commands: Any) -> None:
    def command(name: str, help_: str) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = commands.add_parser(name, help=help_)
        parser.add_argument("--json", action="store_true", help="print JSON")
        return parser

    command("list-accounts", "list the accounts")
    users = command("list-users", "list the users (of one account with --account)")
    users.add_argument("--account", metavar="ID")
    for name, help_ in (
        ("disable-user", "disable a user: sign-in refused, sessions ended"),
        ("enable-user", "let a disabled user sign in again"),
        ("reset-password", "print a one-time code the user sets a new password with"),
    ):
        command(name, help_).add_argument("--email", required=True)
    command("list-api-keys", "list the API keys")
    command("revoke-api-key", "revoke an API key").add_argument("key_id", metavar="KEY_ID")
    for name, help_ in (
        ("adjust", "post an adjustment (minor units, negative to take) through the ledger"),
        ("refund", "post a refund (minor units) to an account through the ledger"),
    ):
        money = command(name, help_)
        money.add_argument("--account", required=True, metavar="ID")
        money.add_argument("--amount", required=True, type=int, help="in minor units (cents)")
        money.add_argument("--reason", required=True, help="shown in the account's history")
    support = command("list-support", "list support requests")
    support.add_argument("--status", choices=["open", "closed"])
    answer = command("answer-support", "answer a support request (the user's app shows it)")
    answer.add_argument("reference", metavar="REFERENCE")
    answer.add_argument("--message", required=True)
    answer.add_argument("--close", action="store_true", help="and close it")
    command("close-support", "close a support request").add_argument(
        "reference", metavar="REFERENCE"
    )
    audit = command("audit", "show an account's audit trail, newest first")
    audit.add_argument("--account", required=True, metavar="ID")
    audit.add_argument("--kind", help="actions starting with this (card, topup, user.updated)")
    audit.add_argument("--limit", type=int, default=50)


def run_command(args: argparse.Namespace, settings: Any) -> int | None:
    """Run one of these commands; None when `args.command` is not one of them."""
    handler = _HANDLERS.get(args.command)
    if handler is None:
        return None
    from credits_server.audit import Actor, acting
    from credits_server.errors import DomainError

    try:
        with acting(Actor("operator", id=None, label=getpass.getuser())):
            shown, lines = asyncio.run(_in_database(settings, handler, args))
    except DomainError as error:
        print(f"credits-server: {error.detail}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(shown, indent=2))
    else:
        for line in lines:
            print(line)
    return 0


async def _in_database(settings: Any, handler: Handler, args: argparse.Namespace) -> Any:
    from credits_server.context import make_context

    ctx = make_context(settings)
    try:
        return await handler(ctx, args)
    finally:
        await ctx.db.dispose()


def _table(rows: list[dict[str, Any]], keys: list[str]) -> list[str]:
    if not rows:
        return ["(none)"]
    widths = [
        max(len(k), *(len(str(r[k] if r[k] is not None else "-")) for r in rows)) for k in keys
    ]
    head = "  ".join(k.upper().ljust(w) for k, w in zip(keys, widths, strict=True))
    body = [
        "  ".join(
            str(r[k] if r[k] is not None else "-").ljust(w)
            for k, w in zip(keys, widths, strict=True)
        ).rstrip()
        for r in rows
    ]
    return [head.rstrip(), *body]


async def _list_accounts(ctx: Any, args: argparse.Namespace) -> Any:
    from credits_server.services.operators import list_accounts, when

    rows = [
        {
            "id": row.account.id,
            "name": row.account.name,
            "currency": row.account.currency,
            "balance": row.account.balance,
            "users": row.users,
            "created_at": when(row.account.created_at),
        }
        for row in await list_accounts(ctx)
    ]
    return rows, _table(rows, ["id", "name", "currency", "balance", "users"])


def _user(user: Any) -> dict[str, Any]:
    from credits_server.services.operators import when

    return {
        "id": user.id,
        "email": user.email,
        "account_id": user.account_id,
        "role": user.role,
        "disabled": user.disabled_at is not None,
        "disabled_at": when(user.disabled_at),
        "created_at": when(user.created_at),
    }


async def _list_users(ctx: Any, args: argparse.Namespace) -> Any:
    from credits_server.services.operators import list_users

    rows = [_user(user) for user in await list_users(ctx, args.account)]
    return rows, _table(rows, ["id", "email", "account_id", "role", "disabled"])


async def _disable(ctx: Any, args: argparse.Namespace) -> Any:
    from credits_server.services.operators import set_disabled

    user = _user(await set_disabled(ctx, args.email, args.command == "disable-user"))
    state = "disabled" if user["disabled"] else "enabled"
    return user, [f"{user['email']} is {state}"]


async def _reset(ctx: Any, args: argparse.Namespace) -> Any:
    from credits_server.services.operators import when
    from credits_server.services.password_resets import issue_code

    made = await issue_code(ctx, args.email)
    shown = {"email": made.email, "code": made.code, "expires_at": when(made.expires_at)}
    return shown, [
        f"reset code for {made.email}: {made.code} (valid until {shown['expires_at']}, once)",
        "In the app's sign-in screen: 'I have a reset code'.",
    ]


def _key(key: Any) -> dict[str, Any]:
    from credits_server.services.operators import when

    return {
        "id": key.id,
        "name": key.name,
        "scope": key.scope,
        "created_at": when(key.created_at),
        "revoked_at": when(key.revoked_at),
    }


async def _list_keys(ctx: Any, args: argparse.Namespace) -> Any:
    from credits_server.services.operators import list_api_keys

    rows = [_key(key) for key in await list_api_keys(ctx)]
    return rows, _table(rows, ["id", "name", "scope", "created_at", "revoked_at"])


async def _revoke(ctx: Any, args: argparse.Namespace) -> Any:
    from credits_server.services.operators import revoke_api_key

    key = _key(await revoke_api_key(ctx, args.key_id))
    return key, [f"{key['id']} ({key['name']}) is revoked"]


async def _money(ctx: Any, args: argparse.Namespace) -> Any:
    from credits_server.representations import transaction_out
    from credits_server.services.operators import post_money

    kind = "adjustment" if args.command == "adjust" else "refund"
    posted = await post_money(ctx, args.account, kind, args.amount, args.reason)
    entry = transaction_out(posted.entry).model_dump(mode="json")
    shown = {**entry, "account_id": args.account}
    return shown, [
        f"{entry['id']}: {entry['kind']} {entry['amount']:+d} -> balance {entry['balance_after']}"
    ]


def _request(item: Any) -> dict[str, Any]:
    from credits_server.representations import support_out

    return {**support_out(item).model_dump(mode="json"), "account_id": item.account_id}


async def _list_support(ctx: Any, args: argparse.Namespace) -> Any:
    from credits_server.services.operators import list_support

    rows = [_request(item) for item in await list_support(ctx, args.status)]
    return rows, _table(
        rows, ["reference", "account_id", "amount", "currency", "status", "contact"]
    )


async def _answer(ctx: Any, args: argparse.Namespace) -> Any:
    from credits_server.services.operators import answer_support

    item = _request(await answer_support(ctx, args.reference, args.message, args.close))
    return item, [f"{item['reference']} answered ({item['status']})"]


async def _close(ctx: Any, args: argparse.Namespace) -> Any:
    from credits_server.services.operators import close_support

    item = _request(await close_support(ctx, args.reference))
    return item, [f"{item['reference']} closed"]


async def _audit(ctx: Any, args: argparse.Namespace) -> Any:
    from credits_server.errors import Invalid
    from credits_server.representations import activity_out
    from credits_server.services.activity import list_activity
    from credits_server.services.operators import find_account

    if not 1 <= args.limit <= 1000:
        raise Invalid("bad_limit", "--limit is 1 to 1000")
    async with ctx.db.read() as session:
        await find_account(session, args.account)
    rows, _ = await list_activity(ctx, args.account, limit=args.limit, cursor=None, kind=args.kind)
    shown = [activity_out(row).model_dump(mode="json") for row in rows]
    lines = [
        f"{row['at'][:19]}  {row['actor_kind']}:{row['actor']}  {row['action']}  "
        f"{row['object_id']}  {json.dumps(row['after'] or row['before'])}"
        for row in shown
    ]
    return shown, lines or ["(none)"]


_HANDLERS: dict[str, Handler] = {
    "list-accounts": _list_accounts,
    "list-users": _list_users,
    "disable-user": _disable,
    "enable-user": _disable,
    "reset-password": _reset,
    "list-api-keys": _list_keys,
    "revoke-api-key": _revoke,
    "adjust": _money,
    "refund": _money,
    "list-support": _list_support,
    "answer-support": _answer,
    "close-support": _close,
    "audit": _audit,
}
