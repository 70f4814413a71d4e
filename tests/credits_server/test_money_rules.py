"""The money rules on their own: any run of debits plans a ledger that adds up."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from credits_server import money_rules
from credits_server.money_rules import Debit

debits = st.lists(
    st.lists(
        st.builds(
            Debit,
            reference=st.sampled_from([f"usage:{n}" for n in range(8)]),
            amount=st.integers(-3000, -1),
            description=st.just("Call"),
        ),
        max_size=5,
    ),
    max_size=4,
)


@given(
    start=st.integers(-500, 5000),
    parts=debits,
    floor=st.sampled_from([0, -500]),
    threshold=st.none() | st.integers(0, 3000),
)
def test_a_plan_chains_its_balances_and_alerts_once_per_crossing(
    start: int, parts: list[list[Debit]], floor: int, threshold: int | None
) -> None:
    posted = {"usage:0": (1, -100, 900)}
    plan = money_rules.plan_debits(start, posted, parts, floor)
    balance = start
    for debit, after in plan.made:
        assert after == balance + debit.amount >= floor
        balance = after
    assert plan.balance == balance
    made = [debit.reference for debit, _ in plan.made]
    assert len(made) == len(set(made))
    assert "usage:0" not in made
    for decisions, debits_ in zip(plan.decisions, parts, strict=True):
        assert [debit for _, debit, _ in decisions] == debits_
    for how, debit, at in (d for decisions in plan.decisions for d in decisions):
        if how == "refused":
            assert at + debit.amount < floor
    events, crossed = money_rules.debit_events(plan, "USD", threshold, 1000)
    level = money_rules.alert_level(threshold, 1000)
    crossings = [after for debit, after in plan.made if after - debit.amount >= level > after]
    assert [data["balance"] for kind, data in events if kind == "low_balance"] == crossings
    assert crossed == (threshold is not None and bool(crossings))
    # Each part (request) that moved the balance announces the balance it left.
    starts = [0, *plan.ends][:-1]
    left = [
        plan.made[end - 1][1] for start, end in zip(starts, plan.ends, strict=True) if end > start
    ]
    assert [data["balance"] for kind, data in events if kind == "balance.updated"] == left


def test_event_numbers_follow_the_last_and_one_intent_is_open_at_a_time() -> None:
    assert money_rules.seqs_after(0, 3) == [1, 2, 3]
    assert money_rules.seqs_after(41, 0) == []
    assert money_rules.opens_intent(True, already_open=False)
    assert not money_rules.opens_intent(True, already_open=True)
    assert not money_rules.opens_intent(False, already_open=False)
    assert money_rules.recharge_due(999, 1000)
    assert not money_rules.recharge_due(1000, 1000)
    assert not money_rules.recharge_due(0, None)
