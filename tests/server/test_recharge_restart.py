"""A server killed (SIGKILL) in the middle of a recharge, then restarted: exactly one charge.

The gateway is made slow on demand (a sandbox setting used only by tests) so that "in the
middle" is certain: first the server dies before the gateway charged, then (resumed with the same
idempotency key) after the gateway charged but before the answer came back.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.support.engine import (
    FAST_ENGINE,
    enable_auto_recharge,
    engine_server_at,
    make_api_key,
    no_open_intent,
    post_usage,
    recharge_entries,
    stop_engine_server,
    usage,
    wait_for,
)
from tests.support.live_server import LiveServer

SLOW_CHARGE = {"CREDITS_SERVER_SANDBOX_CHARGE_DELAY_MS": "120000"}
SLOW_ANSWER = {"CREDITS_SERVER_SANDBOX_ANSWER_DELAY_MS": "120000"}


def attempt_in_flight(server: LiveServer, account_id: str) -> bool:
    """A worker holds the intent and its attempt's top-up is written, waiting on the gateway."""

    async def action(ctx: Any) -> bool:
        from sqlalchemy import select

        from server.models import RechargeIntent, Topup

        async with ctx.db.read() as session:
            row = (
                await session.execute(
                    select(RechargeIntent.claimed_by, Topup.status)
                    .join(Topup, Topup.id == RechargeIntent.topup_id)
                    .where(RechargeIntent.account_id == account_id)
                )
            ).first()
        return row is not None and row[0] is not None and row[1] == "processing"

    return server.run(action)


def restart(server: LiveServer, env: dict[str, str]) -> None:
    server.env = {**FAST_ENGINE, **env}  # the same database
    server.start()


def test_killed_mid_recharge_twice_then_restarted_charges_once(tmp_path: Path) -> None:
    server = engine_server_at(tmp_path, **SLOW_CHARGE)
    try:
        key = make_api_key(server)
        owner = server.make_owner(balance=1500)
        enable_auto_recharge(server, owner, threshold=1000, amount=2500)
        assert post_usage(server, key, usage(owner.account_id, 600)).status_code == 201
        wait_for(lambda: attempt_in_flight(server, owner.account_id), what="attempt in flight")
        server.kill()  # before the gateway charged
        assert server.charge_count(owner.account_id) == 0

        restart(server, SLOW_ANSWER)  # resumed: charged, but the answer never comes back
        wait_for(lambda: server.charge_count(owner.account_id) == 1, what="gateway charged")
        assert attempt_in_flight(server, owner.account_id)
        server.kill()  # after the gateway charged, before the ledger was credited
        assert recharge_entries(server, owner.account_id) == []

        restart(server, {})
        wait_for(lambda: no_open_intent(server, owner.account_id), what="recharge finished")
        assert server.charge_count(owner.account_id) == 1
        assert [(r.kind, r.amount, r.balance_after) for r in server.ledger(owner.account_id)] == [
            ("adjustment", 1500, 1500),
            ("usage", -600, 900),
            ("auto_recharge", 2500, 3400),
        ]
        assert server.balance(owner.account_id) == 3400
        assert server.topup_statuses(owner.account_id) == ["succeeded"]  # one attempt, one key
    finally:
        stop_engine_server(server)
