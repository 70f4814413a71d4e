"""The notification targets over HTTP, as the owner sees them: a webhook's secret shown once,
refused addresses and events as RFC 9457 problems, a test queued, a removed target gone."""

from __future__ import annotations

import httpx

from tests.hardening.conftest import assert_problem
from tests.support.live_server import LiveServer, Owner


async def test_targets_are_added_changed_tested_and_removed(
    client: httpx.AsyncClient, live_server: LiveServer, owner: Owner
) -> None:
    email = await client.post(
        "/v1/notification-targets",
        json={"channel": "email", "address": "finance@example.test", "events": ["low_balance"]},
    )
    assert email.status_code == 201
    assert email.json()["secret"] is None
    hook = await client.post(
        "/v1/notification-targets",
        json={
            "channel": "webhook",
            "address": "https://hooks.example.com/credits",
            "events": ["topup.succeeded", "low_balance"],
        },
    )
    assert hook.status_code == 201
    secret = hook.json()["secret"]
    assert secret.startswith("whsec_")
    assert hook.json()["events"] == ["low_balance", "topup.succeeded"]  # the app's order

    listed = (await client.get("/v1/notification-targets")).json()["data"]
    assert [t["address"] for t in listed] == [
        "finance@example.test",
        "https://hooks.example.com/credits",
    ]
    assert secret not in str(listed)  # shown once, never again

    target_id = hook.json()["id"]
    changed = await client.put(
        f"/v1/notification-targets/{target_id}",
        json={"events": ["auto_recharge.disabled"], "enabled": True},
    )
    assert changed.json()["events"] == ["auto_recharge.disabled"]
    tested = await client.post(f"/v1/notification-targets/{target_id}/test")
    assert tested.status_code == 202
    assert tested.json()["message_id"].startswith("msg_")
    assert (await client.get("/v1/notification-dead-letters")).json() == {
        "data": [],
        "next_cursor": None,
    }

    assert (await client.delete(f"/v1/notification-targets/{target_id}")).status_code == 204
    assert_problem(await client.delete(f"/v1/notification-targets/{target_id}"), 404)
    assert len((await client.get("/v1/notification-targets")).json()["data"]) == 1


async def test_addresses_the_server_will_not_use_are_problems(client: httpx.AsyncClient) -> None:
    for channel, address, why in (
        ("webhook", "http://hooks.example.com/x", "https"),
        ("webhook", "https://192.168.1.10/x", "private"),
        ("webhook", "https://169.254.169.254/latest", "private"),
        ("email", "not an address", "email"),
    ):
        answer = await client.post(
            "/v1/notification-targets",
            json={"channel": channel, "address": address, "events": []},
        )
        problem = assert_problem(answer, 422)
        assert why in str(problem["errors"]), problem
    unknown = await client.post(
        "/v1/notification-targets",
        json={"channel": "email", "address": "a@example.test", "events": ["everything"]},
    )
    assert "everything" in str(assert_problem(unknown, 422)["errors"])
