"""The ledger invariant under random sequences of operations, on the running server's database:
the balance equals the sum of the entries, and each entry's balance_after is the running sum."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.cards import card_token_sync
from tests.support.live_server import LiveServer

SUCCEEDS = "4242424242424242"
CARDS = [SUCCEEDS, "4000000000000002", "4000000000009995", "4000000000000341"]

operations = st.lists(
    st.one_of(
        st.tuples(st.just("topup"), st.integers(1000, 100000), st.sampled_from(CARDS)),
        st.tuples(st.just("replay"), st.just(0), st.just("")),
        st.tuples(st.just("usage"), st.integers(1, 20000), st.just("")),
        st.tuples(st.just("adjustment"), st.integers(-5000, 5000).filter(bool), st.just("")),
        st.tuples(st.just("out_of_bounds"), st.integers(100001, 10**9), st.just(SUCCEEDS)),
    ),
    min_size=1,
    max_size=10,
)


def debit(live_server: LiveServer, account_id: str, kind: str, amount: int) -> bool:
    """Post through the ledger as usage (never below zero) or an adjustment; True if posted."""

    async def action(ctx: Any) -> bool:
        from credits_server.ledger import InsufficientCredits, post

        try:
            async with ctx.db.write() as session:
                await post(
                    session,
                    account_id,
                    kind=kind,
                    amount=amount,
                    description=kind,
                    floor=0 if kind == "usage" else None,
                )
        except InsufficientCredits:
            return False
        return True

    return live_server.run(action)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=operations)
def test_balance_is_always_the_sum_of_the_ledger(
    live_server: LiveServer, steps: list[tuple[str, int, str]]
) -> None:
    owner = live_server.make_owner(with_card=False)
    expected = 0
    last: tuple[str, dict[str, object]] | None = None
    with httpx.Client(base_url=live_server.url, headers=owner.headers, timeout=30) as client:
        for kind, amount, number in steps:
            if kind in ("topup", "out_of_bounds"):
                card = {"number": number, "exp_month": 1, "exp_year": 2040, "cvc": "321"}
                body: dict[str, object] = {
                    "amount": amount,
                    "card_token": card_token_sync(client, card),
                }
                last = (uuid.uuid4().hex, body)
                answer = client.post("/v1/topups", json=body, headers={"Idempotency-Key": last[0]})
                if kind == "topup" and number == SUCCEEDS:
                    assert answer.json()["status"] == "succeeded"
                    expected += amount
                elif kind == "topup":
                    assert answer.json()["status"] == "failed"
                else:
                    assert answer.json()["code"] == "amount_above_maximum"
            elif kind == "replay" and last is not None:
                client.post("/v1/topups", json=last[1], headers={"Idempotency-Key": last[0]})
            elif kind == "usage":
                if debit(live_server, owner.account_id, "usage", -amount):
                    expected -= amount
                else:
                    assert expected - amount < 0
            elif kind == "adjustment":
                assert debit(live_server, owner.account_id, "adjustment", amount)
                expected += amount
    entries = live_server.ledger(owner.account_id)
    running = 0
    for entry in entries:
        running += entry.amount
        assert entry.balance_after == running
    assert live_server.balance(owner.account_id) == running == expected


concurrent_operations = st.lists(
    st.one_of(
        st.tuples(st.just("topup"), st.integers(1000, 20000)),
        st.tuples(st.just("usage"), st.integers(1, 3000)),
    ),
    min_size=2,
    max_size=16,
)


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=concurrent_operations)
def test_the_invariant_holds_when_operations_race(
    live_server: LiveServer, steps: list[tuple[str, int]]
) -> None:
    owner = live_server.make_owner(balance=5000)

    def apply(step: tuple[str, int]) -> int:
        kind, amount = step
        if kind == "usage":
            return -amount if debit(live_server, owner.account_id, "usage", -amount) else 0
        with httpx.Client(base_url=live_server.url, headers=owner.headers, timeout=30) as client:
            answer = client.post(
                "/v1/topups",
                json={"amount": amount, "payment_method_id": owner.payment_method_id},
                headers={"Idempotency-Key": uuid.uuid4().hex},
            )
        assert answer.json()["status"] == "succeeded"
        return amount

    with ThreadPoolExecutor(max_workers=8) as pool:
        moved = sum(pool.map(apply, steps))
    entries = live_server.ledger(owner.account_id)
    running = 0
    for entry in entries:
        running += entry.amount
        assert entry.balance_after == running
        assert entry.kind != "usage" or entry.balance_after >= 0
    assert live_server.balance(owner.account_id) == running == 5000 + moved
