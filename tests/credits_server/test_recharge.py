"""The auto-recharge engine: one recharge per crossing under load, both sizing modes, declines,
the backup card, re-enabling, and the daily limit."""

from __future__ import annotations

import asyncio

import httpx

from tests.support.cards import sandbox_token
from tests.support.engine import (
    auto_recharge_settings,
    enable_auto_recharge,
    intents,
    no_open_intent,
    post_usage,
    recharge_entries,
    usage,
)
from tests.support.live_server import LiveServer
from tests.support.wait import wait_for

DECLINES_EVERY_CHARGE = "4000000000000341"


async def test_200_concurrent_debits_crossing_the_threshold_make_one_recharge(
    engine_server: LiveServer, api_key: str
) -> None:
    owner = engine_server.make_owner(balance=2500)
    enable_auto_recharge(engine_server, owner, threshold=1000, amount=2500)
    headers = {"Authorization": f"Bearer {api_key}"}
    limits = httpx.Limits(max_connections=200)
    async with httpx.AsyncClient(
        base_url=engine_server.url, headers=headers, limits=limits, timeout=60
    ) as client:
        answers = await asyncio.gather(
            *(client.post("/v1/usage", json=usage(owner.account_id, 10)) for _ in range(200))
        )
    assert [a.status_code for a in answers] == [201] * 200
    wait_for(lambda: len(recharge_entries(engine_server, owner.account_id)) == 1, what="recharge")
    wait_for(lambda: no_open_intent(engine_server, owner.account_id), what="intent closed")
    assert intents(engine_server, owner.account_id) == [("succeeded", None)]
    assert engine_server.charge_count(owner.account_id) == 1
    assert [r.amount for r in recharge_entries(engine_server, owner.account_id)] == [2500]
    assert engine_server.balance(owner.account_id) == 2500 - 2000 + 2500
    shown = auto_recharge_settings(engine_server, owner)
    assert shown["last_attempt"]["status"] == "succeeded"


def test_top_up_to_reaches_the_target(engine_server: LiveServer, api_key: str) -> None:
    owner = engine_server.make_owner(balance=2000)
    enable_auto_recharge(engine_server, owner, mode="top_up_to", threshold=1000, target=5000)
    assert post_usage(engine_server, api_key, usage(owner.account_id, 1500)).status_code == 201
    wait_for(lambda: engine_server.balance(owner.account_id) == 5000, what="balance at target")
    assert [r.amount for r in recharge_entries(engine_server, owner.account_id)] == [4500]


def test_a_card_that_declines_is_tried_three_times_then_switched_off(
    engine_server: LiveServer, api_key: str
) -> None:
    owner = engine_server.make_owner(balance=1500, card_number=DECLINES_EVERY_CHARGE)
    enable_auto_recharge(engine_server, owner)
    assert post_usage(engine_server, api_key, usage(owner.account_id, 600)).status_code == 201
    wait_for(lambda: not auto_recharge_settings(engine_server, owner)["enabled"], what="off")
    shown = auto_recharge_settings(engine_server, owner)
    assert "turned off after 3 declined attempts" in shown["disabled_reason"]
    assert shown["last_attempt"]["status"] == "failed"
    assert shown["last_attempt"]["failure_code"] == "card_declined"
    assert engine_server.charge_count(owner.account_id) == 3
    assert recharge_entries(engine_server, owner.account_id) == []
    assert engine_server.balance(owner.account_id) == 900
    assert intents(engine_server, owner.account_id) == [("failed", "card_declined")]


def test_the_backup_card_is_charged_when_the_card_declines(
    engine_server: LiveServer, api_key: str
) -> None:
    owner = engine_server.make_owner(balance=1500, card_number=DECLINES_EVERY_CHARGE)
    backup = httpx.post(
        f"{engine_server.url}/v1/payment-methods",
        headers=owner.headers,
        json={"card_token": sandbox_token(engine_server, "5555555555554444")},
    )
    assert backup.status_code == 201
    enable_auto_recharge(engine_server, owner, backup_payment_method_id=backup.json()["id"])
    assert post_usage(engine_server, api_key, usage(owner.account_id, 600)).status_code == 201
    wait_for(lambda: len(recharge_entries(engine_server, owner.account_id)) == 1, what="recharge")
    [entry] = recharge_entries(engine_server, owner.account_id)
    assert entry.amount == 2500
    assert "4444" in entry.description
    assert engine_server.charge_count(owner.account_id) == 2  # the declined card, then the backup
    wait_for(lambda: no_open_intent(engine_server, owner.account_id), what="intent closed")
    shown = auto_recharge_settings(engine_server, owner)
    assert (shown["enabled"], shown["last_attempt"]["status"]) == (True, "succeeded")


def test_saving_again_or_a_manual_top_up_turns_it_back_on(
    engine_server: LiveServer, api_key: str
) -> None:
    owner = engine_server.make_owner(balance=1500, card_number=DECLINES_EVERY_CHARGE)
    enable_auto_recharge(engine_server, owner)
    post_usage(engine_server, api_key, usage(owner.account_id, 600))
    wait_for(lambda: not auto_recharge_settings(engine_server, owner)["enabled"], what="off")
    topup = httpx.post(
        f"{engine_server.url}/v1/topups",
        headers={**owner.headers, "Idempotency-Key": "manual-1"},
        json={"amount": 5000, "card_token": sandbox_token(engine_server, "4242424242424242")},
    )
    assert topup.status_code == 201
    assert topup.json()["status"] == "succeeded"
    shown = auto_recharge_settings(engine_server, owner)
    assert (shown["enabled"], shown["disabled_reason"]) == (True, None)
    # Switched off by its owner, a manual top-up leaves it off; saving turns it on.
    enable_auto_recharge(engine_server, owner, enabled=False)
    httpx.post(
        f"{engine_server.url}/v1/topups",
        headers={**owner.headers, "Idempotency-Key": "manual-2"},
        json={"amount": 1000, "payment_method_id": owner.payment_method_id},
    )
    assert auto_recharge_settings(engine_server, owner)["enabled"] is False
    assert enable_auto_recharge(engine_server, owner)["enabled"] is True


def test_the_daily_limit_holds_while_usage_keeps_draining(
    engine_server: LiveServer, api_key: str
) -> None:
    owner = engine_server.make_owner(balance=1500)
    enable_auto_recharge(engine_server, owner, threshold=1000, amount=1000)  # default limit 5
    for crossing in range(6):
        balance = engine_server.balance(owner.account_id)
        answer = post_usage(engine_server, api_key, usage(owner.account_id, balance - 900))
        assert answer.status_code == 201
        wait_for(
            lambda n=crossing + 1: (
                len(intents(engine_server, owner.account_id)) == n
                and no_open_intent(engine_server, owner.account_id)
            ),
            what=f"crossing {crossing} handled",
        )
    for _ in range(3):  # still draining under the threshold: no crossing, no recharge
        assert post_usage(engine_server, api_key, usage(owner.account_id, 100)).status_code == 201
    assert engine_server.balance(owner.account_id) == 600
    assert engine_server.charge_count(owner.account_id) == 5
    assert len(recharge_entries(engine_server, owner.account_id)) == 5
    assert [status for status, _ in intents(engine_server, owner.account_id)] == [
        *["succeeded"] * 5,
        "skipped",
    ]
    shown = auto_recharge_settings(engine_server, owner)
    assert shown["last_attempt"]["failure_code"] == "daily_limit_reached"
    assert shown["enabled"] is True  # a limit pauses it; it does not switch it off


def test_an_owner_daily_limit_and_monthly_cap(engine_server: LiveServer, api_key: str) -> None:
    owner = engine_server.make_owner(balance=1500)
    enable_auto_recharge(engine_server, owner, amount=1000, daily_limit=5, monthly_cap=2500)
    for crossing in range(3):
        balance = engine_server.balance(owner.account_id)
        post_usage(engine_server, api_key, usage(owner.account_id, balance - 900))
        wait_for(
            lambda n=crossing + 1: (
                len(intents(engine_server, owner.account_id)) == n
                and no_open_intent(engine_server, owner.account_id)
            ),
            what=f"crossing {crossing} handled",
        )
    assert len(recharge_entries(engine_server, owner.account_id)) == 2  # a third passes 2500
    assert intents(engine_server, owner.account_id)[-1] == ("skipped", "monthly_cap_reached")


def test_a_card_that_asks_for_3d_secure_fails_the_automatic_charge(
    engine_server: LiveServer, api_key: str
) -> None:
    owner = engine_server.make_owner(balance=1500, card_number="4000002760003184")
    enable_auto_recharge(engine_server, owner)
    post_usage(engine_server, api_key, usage(owner.account_id, 600))
    wait_for(lambda: not auto_recharge_settings(engine_server, owner)["enabled"], what="off")
    shown = auto_recharge_settings(engine_server, owner)
    assert shown["last_attempt"]["failure_code"] == "authentication_required"
    assert engine_server.topup_statuses(owner.account_id) == ["failed"] * 3
    assert engine_server.balance(owner.account_id) == 900
