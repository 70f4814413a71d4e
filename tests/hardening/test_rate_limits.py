"""Card-testing defence: top-ups per account per minute are limited (sign-in throttling is in
tests/credits_server/test_basics.py); and the body size limit is a setting."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx

from tests.hardening.conftest import assert_problem
from tests.support.cards import through_gateway
from tests.support.live_server import LiveServer, start_server

DECLINED_CARD = {"number": "4000000000000002", "exp_month": 12, "exp_year": 2039, "cvc": "123"}


async def test_the_eleventh_topup_in_a_minute_is_refused_with_retry_after(
    limited_server: LiveServer,
) -> None:
    owner = limited_server.make_owner(balance=5000)
    other = limited_server.make_owner(balance=0)
    keys = [uuid.uuid4().hex for _ in range(11)]
    async with httpx.AsyncClient(base_url=limited_server.url, headers=owner.headers) as client:
        answers = []
        for number, key in enumerate(keys):
            # A card tester's mix: one-off cards that decline, and the saved card.
            body: dict[str, object] = (
                await through_gateway(
                    client, {"amount": 1000, "card": DECLINED_CARD, "save_card": False}
                )
                if number % 2
                else {"amount": 1000, "payment_method_id": owner.payment_method_id}
            )
            answers.append(
                await client.post("/v1/topups", json=body, headers={"Idempotency-Key": key})
            )
        replay = await client.post(
            "/v1/topups",
            json={"amount": 1000, "payment_method_id": owner.payment_method_id},
            headers={"Idempotency-Key": keys[0]},
        )
    assert [a.status_code for a in answers[:10]] == [201] * 10
    problem = assert_problem(answers[10], 429)
    assert problem["code"] == "too_many_attempts"
    assert 1 <= int(answers[10].headers["retry-after"]) <= 60
    # A replay of an earlier key charges nothing new, so it still answers its first result.
    assert (replay.status_code, replay.json()["id"]) == (200, answers[0].json()["id"])
    assert limited_server.charge_count(owner.account_id) == 10
    assert limited_server.balance(owner.account_id) == 5000 + 5 * 1000
    # The limit is per account: another account pays as usual.
    async with httpx.AsyncClient(base_url=limited_server.url, headers=other.headers) as theirs:
        paid = await theirs.post(
            "/v1/topups",
            json={"amount": 1000, "payment_method_id": other.payment_method_id},
            headers={"Idempotency-Key": uuid.uuid4().hex},
        )
    assert paid.status_code == 201


def test_the_limits_are_settings(tmp_path: Path) -> None:
    server = start_server(
        tmp_path,
        env={"CREDITS_SERVER_MAX_BODY_BYTES": "2000"},
    )
    try:
        small = {"email": "a@b.test", "password": "x" * 1000}
        large = {"email": "a@b.test", "password": "x" * 3000}
        assert httpx.post(f"{server.url}/v1/sessions", json=small).status_code == 401
        refused = httpx.post(f"{server.url}/v1/sessions", json=large)
        assert assert_problem(refused, 413)["code"] == "payload_too_large"
    finally:
        server.stop()
