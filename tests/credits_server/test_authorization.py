"""Members read but never pay or manage; another account's ids do not exist (404)."""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.support.cards import card_token
from tests.support.live_server import LiveServer, Owner

CARD = {"number": "4242424242424242", "exp_month": 12, "exp_year": 2039, "cvc": "123"}


@pytest.fixture
def member(live_server: LiveServer, owner: Owner) -> Owner:
    return live_server.add_user(owner.account_id, role="member")


@pytest.mark.parametrize(
    "path",
    [
        "/v1/account",
        "/v1/account/transactions",
        "/v1/topup-options",
        "/v1/payment-methods",
        "/v1/auto-recharge",
        "/v1/topups",
        "/v1/support-requests",
    ],
)
async def test_a_member_may_read(live_server: LiveServer, member: Owner, path: str) -> None:
    async with httpx.AsyncClient(base_url=live_server.url, headers=member.headers) as client:
        assert (await client.get(path)).status_code == 200


async def test_a_member_may_not_pay_or_manage(
    live_server: LiveServer, owner: Owner, member: Owner
) -> None:
    pm = owner.payment_method_id
    async with httpx.AsyncClient(base_url=live_server.url, headers=member.headers) as client:
        etag = (await client.get("/v1/auto-recharge")).headers["etag"]
        attempts = [
            await client.post(
                "/v1/topups",
                json={"amount": 1000, "payment_method_id": pm},
                headers={"Idempotency-Key": uuid.uuid4().hex},
            ),
            await client.post(
                "/v1/payment-methods", json={"card_token": await card_token(client, CARD)}
            ),
            await client.delete(f"/v1/payment-methods/{pm}"),
            await client.post(f"/v1/payment-methods/{pm}/default"),
            await client.put(
                "/v1/auto-recharge",
                json={"enabled": True, "threshold": 1000, "amount": 2500},
                headers={"If-Match": etag},
            ),
        ]
    assert [a.status_code for a in attempts] == [403] * 5
    assert {a.json()["code"] for a in attempts} == {"forbidden"}
    assert live_server.balance(owner.account_id) == 5000
    assert live_server.charge_count(owner.account_id) == 0


async def test_another_accounts_ids_are_not_found(live_server: LiveServer, owner: Owner) -> None:
    other = live_server.make_owner(balance=1000)
    async with httpx.AsyncClient(base_url=live_server.url, headers=other.headers) as theirs:
        made = await theirs.post(
            "/v1/topups",
            json={"amount": 1000, "payment_method_id": other.payment_method_id},
            headers={"Idempotency-Key": "theirs"},
        )
    their_topup = made.json()["id"]
    their_card = other.payment_method_id
    async with httpx.AsyncClient(base_url=live_server.url, headers=owner.headers) as mine:
        etag = (await mine.get("/v1/auto-recharge")).headers["etag"]
        attempts = [
            await mine.get(f"/v1/topups/{their_topup}"),
            await mine.delete(f"/v1/payment-methods/{their_card}"),
            await mine.post(f"/v1/payment-methods/{their_card}/default"),
            await mine.post(
                "/v1/topups",
                json={"amount": 1000, "payment_method_id": their_card},
                headers={"Idempotency-Key": uuid.uuid4().hex},
            ),
            await mine.put(
                "/v1/auto-recharge",
                json={
                    "enabled": True,
                    "threshold": 1000,
                    "amount": 2500,
                    "payment_method_id": their_card,
                },
                headers={"If-Match": etag},
            ),
        ]
        same_key = await mine.get("/v1/topups", params={"idempotency_key": "theirs"})
    assert [a.status_code for a in attempts] == [404] * 5
    assert same_key.json()["data"] == []
    assert live_server.balance(other.account_id) == 2000
    assert live_server.charge_count(other.account_id) == 1
    assert live_server.balance(owner.account_id) == 5000
