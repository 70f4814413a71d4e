"""Leased jobs (services/leases.py), the one lease the recharge and notification workers share: a
row is held by one worker until it is released or its lease runs out, and a dead process's rows
are freed at start-up. On the live server's own database (SQLite, or PostgreSQL in that pass),
with a recharge intent not yet due, so the server's own worker leaves it alone."""

from __future__ import annotations

import secrets
import socket
import subprocess
import sys
from datetime import timedelta
from typing import Any

from tests.support.live_server import LiveServer, Owner


def a_dead_process() -> int:
    done = subprocess.Popen([sys.executable, "-c", "pass"])
    done.wait()
    return done.pid


def test_one_worker_holds_a_row_until_released_or_its_lease_runs_out(
    live_server: LiveServer, owner: Owner
) -> None:
    async def action(ctx: Any) -> list[object]:
        from sqlalchemy import delete

        from credits_server.models import RechargeIntent, utcnow
        from credits_server.services.recharge_worker import INTENTS

        now = utcnow()
        intent_id = f"ri_lease_{secrets.token_hex(6)}"
        async with ctx.db.write() as session:
            session.add(
                RechargeIntent(
                    id=intent_id,
                    account_id=owner.account_id,
                    open_account_id=None,
                    next_attempt_at=now + timedelta(days=1),
                )
            )
        lease_over = now + timedelta(seconds=ctx.settings.recharge_lease_seconds + 1)
        seen: list[object] = [
            await INTENTS.claim(ctx, intent_id, "a", now),
            await INTENTS.claim(ctx, intent_id, "b", now),  # held by a
            await INTENTS.claim(ctx, intent_id, "b", lease_over),  # a's lease ran out
        ]
        await INTENTS.release(ctx, intent_id, "a")  # no longer a's: nothing changes
        seen.append(await INTENTS.claim(ctx, intent_id, "a", lease_over))
        await INTENTS.release(ctx, intent_id, "b")
        seen.append(await INTENTS.claim(ctx, intent_id, "a", now))
        dead = f"{socket.gethostname()[:40]}:{a_dead_process()}:0000"
        await INTENTS.release(ctx, intent_id, "a")
        seen.append(await INTENTS.claim(ctx, intent_id, dead, now))
        seen.append(await INTENTS.release_orphans(ctx) >= 1)  # the dead process's hold is freed
        seen.append(await INTENTS.claim(ctx, intent_id, "c", now))
        async with ctx.db.write() as session:
            await session.execute(delete(RechargeIntent).where(RechargeIntent.id == intent_id))
        return seen

    assert live_server.run(action) == [True, False, True, False, True, True, True, True]


def test_a_claim_is_judged_dead_only_on_this_host_for_a_process_that_is_gone() -> None:
    from credits_server.services.leases import new_worker_id, process_gone

    host = socket.gethostname()[:40]
    assert process_gone(f"{host}:{a_dead_process()}:0000")
    assert not process_gone(new_worker_id())  # this process
    assert not process_gone(f"elsewhere-{host}:{a_dead_process()}:0000")  # its lease decides
    assert not process_gone("test-worker")
