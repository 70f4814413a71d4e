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
)
from tests.support.live_server import LiveServer
from tests.support.wait import wait_for

SLOW_CHARGE = {"CREDITS_SERVER_SANDBOX_CHARGE_DELAY_MS": "120000"}
SLOW_ANSWER = {"CREDITS_SERVER_SANDBOX_ANSWER_DELAY_MS": "120000"}
# Longer than the test: only the start-up's release of a dead process's claims can resume in time.
LONG_LEASE = {"CREDITS_SERVER_RECHARGE_LEASE_SECONDS": "60"}


def attempt_in_flight(server: LiveServer, account_id: str) -> bool:
    """A worker holds the intent and its attempt's top-up is written, waiting on the gateway."""

    async def action(ctx: Any) -> bool:
        from sqlalchemy import select

        from credits_server.models import RechargeIntent, Topup

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
    server.env = {**FAST_ENGINE, **LONG_LEASE, **env}  # the same database
    server.start()


def test_killed_mid_recharge_twice_then_restarted_charges_once(tmp_path: Path) -> None:
    server = engine_server_at(tmp_path, **LONG_LEASE, **SLOW_CHARGE)
    try:
        key = make_api_key(server)
        paying = server.make_owner(balance=1500)
        declining = server.make_owner(balance=1500, card_number="4000000000000341")
        accounts = (paying.account_id, declining.account_id)
        for owner in (paying, declining):
            enable_auto_recharge(server, owner, threshold=1000, amount=2500)
            assert post_usage(server, key, usage(owner.account_id, 600)).status_code == 201
        for account in accounts:  # both at once: one slow gateway call holds up no other
            wait_for(lambda a=account: attempt_in_flight(server, a), what="attempt in flight")
        server.kill()  # before the gateway charged
        assert [server.charge_count(account) for account in accounts] == [0, 0]

        # Resumed at start-up (the dead process's claims are freed, its lease is not awaited):
        # charged, but the answers never come back.
        restart(server, SLOW_ANSWER)
        for account in accounts:
            wait_for(lambda a=account: server.charge_count(a) == 1, what="gateway charged")
        server.kill()  # after the gateway charged, before the ledger was credited
        assert recharge_entries(server, paying.account_id) == []

        restart(server, {})
        wait_for(lambda: no_open_intent(server, paying.account_id), what="recharge finished")
        assert server.charge_count(paying.account_id) == 1
        assert [(r.kind, r.amount, r.balance_after) for r in server.ledger(paying.account_id)] == [
            ("adjustment", 1500, 1500),
            ("usage", -600, 900),
            ("auto_recharge", 2500, 3400),
        ]
        assert server.balance(paying.account_id) == 3400
        assert server.topup_statuses(paying.account_id) == ["succeeded"]  # one attempt, one key
        # The declined first attempt counted once; attempts 2 and 3 followed without a lease wait.
        wait_for(lambda: no_open_intent(server, declining.account_id), what="declines finished")
        assert server.topup_statuses(declining.account_id) == ["failed"] * 3
        assert server.charge_count(declining.account_id) == 3
        assert server.balance(declining.account_id) == 900
    finally:
        stop_engine_server(server)
