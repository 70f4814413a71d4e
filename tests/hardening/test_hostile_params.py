"""Hostile query parameters, headers and path ids: a 4xx problem document, never a 500."""

from __future__ import annotations

import httpx
import pytest

from tests.hardening.conftest import assert_problem
from tests.support.live_server import Owner

HOSTILE_QUERIES = [
    {"limit": "-1"},
    {"limit": "0"},
    {"limit": str(10**30)},
    {"limit": "1e309"},
    {"cursor": "!!!"},
    {"cursor": "eyJ4IjoxfQ"},  # base64 of a JSON object that is no cursor of ours
    {"cursor": "A" * 5000},
    {"kind": "nope"},
    {"kind": "\x1b[2J"},
]


@pytest.mark.parametrize("params", HOSTILE_QUERIES, ids=lambda p: repr(p)[:30])
async def test_hostile_history_queries_are_refused(
    client: httpx.AsyncClient, params: dict[str, str]
) -> None:
    assert_problem(await client.get("/v1/account/transactions", params=params), 422)


@pytest.mark.parametrize("method_id", ["x" * 5000, "..%2F..%2Fetc", "%00", "pm_' OR 1=1 --"])
async def test_hostile_ids_are_not_found(
    client: httpx.AsyncClient, owner: Owner, method_id: str
) -> None:
    for response in (
        await client.delete(f"/v1/payment-methods/{method_id}"),
        await client.get(f"/v1/topups/{method_id}"),
    ):
        assert_problem(response, 404, 422)
    cards = (await client.get("/v1/payment-methods")).json()["data"]
    assert [c["id"] for c in cards] == [owner.payment_method_id]


async def test_hostile_headers_are_refused(client: httpx.AsyncClient, owner: Owner) -> None:
    body = {"amount": 1000, "payment_method_id": owner.payment_method_id}
    long_key = await client.post("/v1/topups", json=body, headers={"Idempotency-Key": "k" * 300})
    assert_problem(long_key, 422)
    settings = {"enabled": False, "threshold": 1000, "amount": 2500}
    for if_match, status in [("garbage", 412), ('W/"1"', 412), ("", 428)]:
        headers = {"If-Match": if_match}
        answer = await client.put("/v1/auto-recharge", json=settings, headers=headers)
        assert_problem(answer, status)


@pytest.mark.parametrize("last_event_id", ["abc", "-5", "1e9", str(10**30)])
async def test_a_hostile_last_event_id_is_ignored_or_refused(
    client: httpx.AsyncClient, last_event_id: str
) -> None:
    async with client.stream(
        "GET", "/v1/events", headers={"Last-Event-ID": last_event_id}
    ) as response:
        if response.status_code != 200:
            await response.aread()
            assert_problem(response, 422)
        else:
            assert response.headers["content-type"].startswith("text/event-stream")
