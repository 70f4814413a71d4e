"""`credits-server create-api-key` and `simulate-usage`, and running uvicorn so that open event
streams end when the server shuts down (uvicorn's graceful shutdown waits for every response)."""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import random
import secrets
import sys
from typing import Any


def add_commands(commands: Any) -> None:
    key = commands.add_parser(
        "create-api-key", help="make an API key for POST /v1/usage (printed once, stored hashed)"
    )
    key.add_argument("--name", required=True, help="who uses it, e.g. the telephony platform")
    key.add_argument(
        "--scope",
        choices=["usage", "ssh"],
        default="usage",
        help="usage: POST /v1/usage (default); ssh: the SSH gateway of `credits-tui serve-ssh`",
    )

    simulate = commands.add_parser(
        "simulate-usage",
        help="send realistic call and SMS usage for an account to a running server until stopped",
    )
    simulate.add_argument("--email", required=True, help="a user of the account to spend from")
    simulate.add_argument("--rate", type=float, default=1.0, help="records per second")
    simulate.add_argument("--url", default="http://127.0.0.1:8000", help="the running server")
    simulate.add_argument("--uds", metavar="PATH", help="reach the server on a Unix socket")
    simulate.add_argument(
        "--api-key", help="an API key (default: $CREDITS_SERVER_API_KEY, else a new one)"
    )
    simulate.add_argument("--count", type=int, default=0, help="stop after this many (0: never)")


def run_command(args: argparse.Namespace, settings: Any) -> int | None:
    """Run one of these commands; None when `args.command` is not one of them."""
    if args.command == "create-api-key":
        made = asyncio.run(_in_database(settings, _create_key(args.name, args.scope)))
        print(json.dumps({"id": made.id, "name": made.name, "key": made.key}))
        print("credits-server: keep this key now; it cannot be shown again.", file=sys.stderr)
        return 0
    if args.command == "simulate-usage":
        if args.rate <= 0:
            print("credits-server: --rate must be above 0", file=sys.stderr)
            return 2
        try:
            return asyncio.run(simulate_usage(args, settings))
        except KeyboardInterrupt:
            return 0
    return None


def _create_key(name: str, scope: str = "usage") -> Any:
    async def action(ctx: Any) -> Any:
        from credits_server.services.api_keys import create_api_key

        return await create_api_key(ctx, name, scope)

    return action


async def _in_database(settings: Any, action: Any) -> Any:
    from credits_server.context import make_context

    ctx = make_context(settings)
    try:
        return await action(ctx)
    finally:
        await ctx.db.dispose()


def _account_of(email: str) -> Any:
    async def action(ctx: Any) -> str | None:
        from credits_server.services.accounts import find_user

        async with ctx.db.read() as session:
            user = await find_user(session, email)
        return None if user is None else str(user.account_id)

    return action


def fake_record(account_id: str, rng: random.Random) -> dict[str, Any]:
    """A call of half a minute to a quarter of an hour at 2 cents a minute, or a 1-cent SMS."""
    if rng.random() < 0.7:
        minutes = rng.uniform(0.5, 15)
        record = {"kind": "call", "amount": max(1, math.ceil(minutes * 2))}
    else:
        record = {"kind": "sms", "amount": 1}
    return {**record, "account_id": account_id, "reference": f"sim-{secrets.token_hex(8)}"}


async def simulate_usage(args: argparse.Namespace, settings: Any) -> int:
    import os

    import httpx

    account_id = await _in_database(settings, _account_of(args.email))
    if account_id is None:
        print(f"credits-server: no user {args.email}", file=sys.stderr)
        return 1
    key = args.api_key or os.environ.get("CREDITS_SERVER_API_KEY")
    if not key:
        key = (await _in_database(settings, _create_key("simulate-usage"))).key
    transport = httpx.AsyncHTTPTransport(uds=args.uds) if args.uds else None
    rng = random.Random()  # noqa: S311 (fake traffic, not secrets)
    sent = 0
    async with httpx.AsyncClient(
        base_url=args.url, transport=transport, headers={"Authorization": f"Bearer {key}"}
    ) as client:
        while args.count <= 0 or sent < args.count:
            record = fake_record(account_id, rng)
            try:
                answer = await client.post("/v1/usage", json=record, timeout=10)
                body = answer.json()
                shown = body.get("balance_after", body.get("code"))
                print(f"{record['kind']:<5} {record['amount']:>4} -> {shown}", flush=True)
            except (httpx.HTTPError, ValueError) as error:  # unreachable, or not JSON
                print(f"credits-server: {type(error).__name__}, going on", file=sys.stderr)
            sent += 1
            await asyncio.sleep(rng.expovariate(args.rate))  # Poisson arrivals at --rate
    return 0


def run_uvicorn(app: Any, **options: Any) -> None:
    """uvicorn.run, except that shutting down first ends the open event streams."""
    import uvicorn

    from credits_server.api.events import stop_streams

    class Server(uvicorn.Server):
        async def shutdown(self, sockets: Any = None) -> None:
            stop_streams(app)
            await super().shutdown(sockets=sockets)

    Server(uvicorn.Config(app, **options)).run()
