"""Auto-recharge settings: ETag and If-Match, bounds, and the card it needs."""

from __future__ import annotations

import httpx

from credits_client.api.models import Account, AutoRecharge
from tests.support.live_server import LiveServer, Owner


def settings(**changes: object) -> dict[str, object]:
    body: dict[str, object] = {"enabled": True, "mode": "add", "threshold": 1000, "amount": 2500}
    body.update(changes)
    return body


async def test_save_with_the_current_etag_then_a_stale_one_is_refused(
    client: httpx.AsyncClient, owner: Owner
) -> None:
    current = await client.get("/v1/auto-recharge")
    etag = current.headers["etag"]
    first = AutoRecharge.model_validate(current.json())
    assert first.enabled is False
    assert first.bounds.threshold_min == 500
    saved = await client.put("/v1/auto-recharge", json=settings(), headers={"If-Match": etag})
    assert saved.status_code == 200
    assert saved.headers["etag"] != etag
    body = AutoRecharge.model_validate(saved.json())
    assert (body.enabled, body.payment_method_id) == (True, owner.payment_method_id)
    stale = await client.put(
        "/v1/auto-recharge", json=settings(threshold=2000), headers={"If-Match": etag}
    )
    assert stale.status_code == 412
    assert stale.json()["code"] == "precondition_failed"
    after = AutoRecharge.model_validate((await client.get("/v1/auto-recharge")).json())
    assert after.threshold == 1000  # the stale write changed nothing
    account = Account.model_validate((await client.get("/v1/account")).json())
    assert account.low_balance_level == 1000  # the threshold, now that it is on


async def test_two_editors_one_wins(client: httpx.AsyncClient) -> None:
    etag = (await client.get("/v1/auto-recharge")).headers["etag"]
    one = await client.put(
        "/v1/auto-recharge", json=settings(amount=5000), headers={"If-Match": etag}
    )
    two = await client.put(
        "/v1/auto-recharge", json=settings(amount=7500), headers={"If-Match": etag}
    )
    assert sorted([one.status_code, two.status_code]) == [200, 412]
    final = AutoRecharge.model_validate((await client.get("/v1/auto-recharge")).json())
    assert final.amount == 5000


async def test_no_if_match_is_428(client: httpx.AsyncClient) -> None:
    response = await client.put("/v1/auto-recharge", json=settings())
    assert response.status_code == 428
    assert response.json()["code"] == "precondition_required"


async def test_enabling_without_a_card_is_refused(live_server: LiveServer) -> None:
    cardless = live_server.make_owner(with_card=False)
    async with httpx.AsyncClient(base_url=live_server.url, headers=cardless.headers) as client:
        etag = (await client.get("/v1/auto-recharge")).headers["etag"]
        response = await client.put(
            "/v1/auto-recharge", json=settings(), headers={"If-Match": etag}
        )
        off = await client.put(
            "/v1/auto-recharge", json=settings(enabled=False), headers={"If-Match": etag}
        )
    assert response.status_code == 422
    assert response.json()["code"] == "auto_recharge_needs_card"
    assert off.status_code == 200


async def test_out_of_bounds_values_are_named(client: httpx.AsyncClient) -> None:
    etag = (await client.get("/v1/auto-recharge")).headers["etag"]
    response = await client.put(
        "/v1/auto-recharge",
        json=settings(threshold=400, amount=100001, mode="top_up_to", target=300),
        headers={"If-Match": etag},
    )
    assert response.status_code == 422
    fields = {e["field"]: e["code"] for e in response.json()["errors"]}
    assert fields == {
        "threshold": "out_of_range",
        "amount": "out_of_range",
        "target": "target_not_above_threshold",
    }


async def test_removing_the_card_turns_auto_recharge_off_with_a_reason(
    client: httpx.AsyncClient, owner: Owner
) -> None:
    etag = (await client.get("/v1/auto-recharge")).headers["etag"]
    await client.put("/v1/auto-recharge", json=settings(), headers={"If-Match": etag})
    assert (
        await client.delete(f"/v1/payment-methods/{owner.payment_method_id}")
    ).status_code == 204
    after = await client.get("/v1/auto-recharge")
    body = AutoRecharge.model_validate(after.json())
    assert body.enabled is False
    assert body.disabled_reason
    assert after.headers["etag"] != etag
