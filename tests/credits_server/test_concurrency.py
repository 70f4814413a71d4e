"""A slow gateway makes duplicates really overlap; a server killed mid-charge resumes once."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from credits_client.api.models import Page, Topup
from tests.support.live_server import LiveServer, Owner
from tests.support.wait import wait_for


@pytest.fixture(scope="module")
def slow_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = LiveServer(
        Path(tmp_path_factory.mktemp("slow-server")),
        env={"CREDITS_SERVER_SANDBOX_CHARGE_DELAY_MS": "700"},
    )
    with server.running():
        yield server


async def test_fifty_overlapping_duplicates_wait_for_the_first(slow_server: LiveServer) -> None:
    owner = slow_server.make_owner(balance=0)
    body = {"amount": 5000, "payment_method_id": owner.payment_method_id}
    async with httpx.AsyncClient(base_url=slow_server.url, headers=owner.headers, timeout=30) as c:
        answers = await asyncio.gather(
            *(c.post("/v1/topups", json=body, headers={"Idempotency-Key": "k"}) for _ in range(50))
        )
    assert sorted(a.status_code for a in answers) == [200] * 49 + [201]
    assert {Topup.model_validate(a.json()).status for a in answers} == {"succeeded"}
    assert slow_server.charge_count(owner.account_id) == 1
    assert [(r.kind, r.amount) for r in slow_server.ledger(owner.account_id)] == [("topup", 5000)]


async def test_a_server_killed_mid_charge_finishes_the_top_up_once_on_restart(
    slow_server: LiveServer,
) -> None:
    owner: Owner = slow_server.make_owner(balance=100)
    body = {"amount": 2500, "payment_method_id": owner.payment_method_id}
    async with httpx.AsyncClient(base_url=slow_server.url, headers=owner.headers, timeout=30) as c:
        request = asyncio.create_task(
            c.post("/v1/topups", json=body, headers={"Idempotency-Key": "crash"})
        )
        await asyncio.to_thread(
            wait_for, lambda: slow_server.topup_statuses(owner.account_id) == ["processing"]
        )
        slow_server.kill()
        with contextlib.suppress(httpx.TransportError):
            await request
    assert slow_server.balance(owner.account_id) == 100
    slow_server.start()
    await asyncio.to_thread(
        wait_for, lambda: slow_server.topup_statuses(owner.account_id) == ["succeeded"]
    )
    async with httpx.AsyncClient(base_url=slow_server.url, headers=owner.headers, timeout=30) as c:
        again = await c.post("/v1/topups", json=body, headers={"Idempotency-Key": "crash"})
        listed = await c.get("/v1/topups", params={"idempotency_key": "crash"})
    assert again.status_code == 200
    assert Topup.model_validate(again.json()).balance_after == 2600
    assert [t.status for t in Page[Topup].model_validate(listed.json()).data] == ["succeeded"]
    assert slow_server.charge_count(owner.account_id) == 1
    assert slow_server.balance(owner.account_id) == 2600
