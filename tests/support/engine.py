"""Fixtures for the usage, auto-recharge and event tests: a server with the engine's waits short.

``engine_server`` (session scope): a `LiveServer` (see tests/support/live_server.py) whose
recharge backoff, worker poll, lease and event poll are a few tens of milliseconds, so retries and
take-overs happen within a test. ``api_key``: a key for POST /v1/usage on it.
Helpers: ``post_usage``, ``enable_auto_recharge``, ``recharge_entries``, ``intents``,
``collect_events`` (waiting for a condition: tests/support/wait.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.live_server import STRIPE_TEST_CARDS, LedgerRow, LiveServer, Owner
from tests.support.postgres import drop_database, private_database_url

FAST_ENGINE = {
    "CREDITS_SERVER_RECHARGE_BACKOFF_SECONDS": "0.05",
    "CREDITS_SERVER_RECHARGE_POLL_SECONDS": "0.05",
    "CREDITS_SERVER_RECHARGE_LEASE_SECONDS": "1",
    "CREDITS_SERVER_EVENTS_POLL_SECONDS": "0.05",
    "CREDITS_SERVER_EVENTS_KEEPALIVE_SECONDS": "0.3",
}


def engine_server_at(workdir: Path, **env: str) -> LiveServer:
    """Started, with its database open: a SQLite file in `workdir`, or in the PostgreSQL pass a
    private database (tests/support/postgres.py), so no other server's recharge worker (with
    other settings) takes part. Stop it with `stop_engine_server`."""
    server = LiveServer(
        workdir,
        env={**FAST_ENGINE, **env},
        database_url_override=private_database_url("engine"),
    )
    server.start()
    server.open_database()
    return server


def stop_engine_server(server: LiveServer) -> None:
    server.close_database()
    server.stop()
    if server.database_url_override is not None:
        drop_database(server.database_url_override)


@pytest.fixture(scope="session")
def engine_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = engine_server_at(Path(tmp_path_factory.mktemp("engine-server")))
    try:
        yield server
    finally:
        stop_engine_server(server)
    leaked = server.find_secrets(STRIPE_TEST_CARDS)
    assert not leaked, f"card numbers found in the server's files: {leaked}"


def make_api_key(server: LiveServer) -> str:
    async def action(ctx: Any) -> str:
        from credits_server.services.api_keys import create_api_key

        return (await create_api_key(ctx, "tests")).key

    return server.run(action)


@pytest.fixture(scope="session")
def api_key(engine_server: LiveServer) -> str:
    return make_api_key(engine_server)


def usage(account_id: str, amount: int, reference: str | None = None) -> dict[str, Any]:
    return {
        "account_id": account_id,
        "amount": amount,
        "kind": "call",
        "reference": reference or f"ref-{secrets.token_hex(6)}",
    }


def post_usage(server: LiveServer, key: str, body: dict[str, Any]) -> httpx.Response:
    return httpx.post(
        f"{server.url}/v1/usage",
        json=body,
        headers={"Authorization": f"Bearer {key}"},
        timeout=30,
    )


def enable_auto_recharge(server: LiveServer, owner: Owner, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"enabled": True, "mode": "add", "threshold": 1000, "amount": 2500}
    body.update(changes)
    with httpx.Client(base_url=server.url, headers=owner.headers, timeout=30) as client:
        etag = client.get("/v1/auto-recharge").headers["etag"]
        saved = client.put("/v1/auto-recharge", json=body, headers={"If-Match": etag})
    assert saved.status_code == 200, saved.text
    result: dict[str, Any] = saved.json()
    return result


def auto_recharge_settings(server: LiveServer, owner: Owner) -> dict[str, Any]:
    answer = httpx.get(f"{server.url}/v1/auto-recharge", headers=owner.headers, timeout=30)
    result: dict[str, Any] = answer.json()
    return result


def recharge_entries(server: LiveServer, account_id: str) -> list[LedgerRow]:
    return [row for row in server.ledger(account_id) if row.kind == "auto_recharge"]


def intents(server: LiveServer, account_id: str) -> list[tuple[str, str | None]]:
    """(status, outcome) of the account's recharge intents, oldest first."""

    async def action(ctx: Any) -> list[tuple[str, str | None]]:
        from sqlalchemy import select

        from credits_server.models import RechargeIntent

        async with ctx.db.read() as session:
            rows = await session.execute(
                select(RechargeIntent.status, RechargeIntent.outcome)
                .where(RechargeIntent.account_id == account_id)
                .order_by(RechargeIntent.created_at)
            )
            return [(str(status), outcome) for status, outcome in rows]

    return server.run(action)


def no_open_intent(server: LiveServer, account_id: str) -> bool:
    found = intents(server, account_id)
    return bool(found) and all(status != "open" for status, _ in found)


@dataclass
class EventLog:
    """Events one SSE client received: (id, type, data)."""

    received: list[tuple[int, str, dict[str, Any]]] = field(default_factory=list)
    comments: int = 0
    connected: asyncio.Event = field(default_factory=asyncio.Event)

    def types(self) -> list[str]:
        return [type_ for _, type_, _ in self.received]


async def _read_events(
    url: str, headers: dict[str, str], log: EventLog, last_event_id: int | None
) -> None:
    wanted = dict(headers)
    if last_event_id is not None:
        wanted["Last-Event-ID"] = str(last_event_id)
    async with (
        httpx.AsyncClient(base_url=url, headers=wanted, timeout=30) as client,
        client.stream("GET", "/v1/events") as response,
    ):
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        event_id, event_type = 0, ""
        async for line in response.aiter_lines():
            if line.startswith(":"):
                log.comments += 1
                log.connected.set()
            elif line.startswith("id: "):
                event_id = int(line[4:])
            elif line.startswith("event: "):
                event_type = line[7:]
            elif line.startswith("data: "):
                payload = json.loads(line[6:])
                assert payload["type"] == event_type
                log.received.append((event_id, event_type, payload["data"]))


@contextlib.asynccontextmanager
async def collect_events(
    server: LiveServer, owner: Owner, last_event_id: int | None = None
) -> AsyncIterator[EventLog]:
    """An SSE client of `owner` reading in the background while the block runs."""
    log = EventLog()
    reader = asyncio.create_task(_read_events(server.url, owner.headers, log, last_event_id))
    try:
        await asyncio.wait_for(log.connected.wait(), 10)
        yield log
    finally:
        reader.cancel()
        with contextlib.suppress(asyncio.CancelledError, httpx.HTTPError):
            await reader  # (a stream the server ended is no error here)
