"""The ledger refuses entries that would break its meaning, and posts a reference only once."""

from __future__ import annotations

from typing import Any

import pytest

from credits_server.ledger import InsufficientCredits
from tests.support.live_server import LiveServer


def post(live_server: LiveServer, account_id: str, **entry: Any) -> tuple[int, bool]:
    async def action(ctx: Any) -> tuple[int, bool]:
        from credits_server.ledger import post

        async with ctx.db.write() as session:
            posted = await post(session, account_id, description="test", **entry)
            return posted.entry.balance_after, posted.created

    return live_server.run(action)


@pytest.mark.parametrize(
    "entry",
    [
        {"kind": "usage", "amount": 100},
        {"kind": "topup", "amount": -100},
        {"kind": "refund", "amount": -1},
        {"kind": "adjustment", "amount": 0},
        {"kind": "bonus", "amount": 100},
    ],
)
def test_entries_that_make_no_sense_are_refused(live_server: LiveServer, entry: Any) -> None:
    owner = live_server.make_owner(balance=1000, with_card=False)
    with pytest.raises(ValueError, match=r"credit|debit|non-zero|unknown ledger kind"):
        post(live_server, owner.account_id, **entry)
    assert live_server.balance(owner.account_id) == 1000


def test_a_reference_is_posted_once_and_a_floor_holds(live_server: LiveServer) -> None:
    owner = live_server.make_owner(balance=1000, with_card=False)
    first = post(live_server, owner.account_id, kind="usage", amount=-300, reference="call-1")
    again = post(live_server, owner.account_id, kind="usage", amount=-300, reference="call-1")
    assert first == (700, True)
    assert again == (700, False)
    with pytest.raises(InsufficientCredits):
        post(live_server, owner.account_id, kind="usage", amount=-701, floor=0)
    assert post(live_server, owner.account_id, kind="usage", amount=-750, floor=-100) == (-50, True)
    assert live_server.balance(owner.account_id) == -50
    assert [row.amount for row in live_server.ledger(owner.account_id)] == [1000, -300, -750]
