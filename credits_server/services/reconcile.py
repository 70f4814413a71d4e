"""Never paid-but-no-credits: a job in every server process settles the top-ups and recharge
attempts still unsettled `reconcile_after_seconds` after their last change, from the gateway's
answer. One process at a time runs it, by a lease (`gateway_job_leases`, taken with a
conditional UPDATE when free or expired, as recharge intents are claimed).

- `processing` (a crash or a lost answer between the charge and the credit): resumed with the
  same idempotency key, so the gateway answers its first charge and never makes a second.
- `requires_action` (the customer's 3-D Secure, whose webhook may never come): the gateway is
  asked how the payment stands, for a day after it was made.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from credits_server.context import Context
from credits_server.gateway.events import GatewayJobLease
from credits_server.logging import LOGGER_NAME
from credits_server.models import Topup, utcnow
from credits_server.services import topups, webhooks

LEASE = "reconcile"
AWAITING_CUSTOMER_FOR = timedelta(days=1)
_log = logging.getLogger(LOGGER_NAME)


async def run_reconciler(ctx: Context, worker_id: str) -> None:
    """Forever: when this process holds the lease, settle what is overdue; then wait a while."""
    while True:
        try:
            if await claim_lease(ctx, worker_id, ctx.settings.reconcile_poll_seconds * 3):
                await reconcile_once(ctx)
        except Exception:  # keep serving; the next pass tries again
            _log.exception("reconcile_error")
        await asyncio.sleep(ctx.settings.reconcile_poll_seconds)


async def claim_lease(ctx: Context, worker_id: str, seconds: float) -> bool:
    """Take or renew the lease unless another live process holds it."""
    now = utcnow()
    until = now + timedelta(seconds=seconds)
    async with ctx.db.write() as session:
        result = await session.execute(
            update(GatewayJobLease)
            .where(
                GatewayJobLease.name == LEASE,
                or_(GatewayJobLease.held_by == worker_id, GatewayJobLease.held_until < now),
            )
            .values(held_by=worker_id, held_until=until)
            .execution_options(synchronize_session=False)
        )
        if getattr(result, "rowcount", 0) == 1:
            return True
        if await session.get(GatewayJobLease, LEASE) is not None:
            return False
    try:
        async with ctx.db.write() as session:
            session.add(GatewayJobLease(name=LEASE, held_by=worker_id, held_until=until))
    except IntegrityError:
        return False  # another process made the lease first: it is theirs
    return True


async def reconcile_once(ctx: Context, now: datetime | None = None) -> int:
    """Settle every overdue payment from the gateway's answer. Returns how many were looked at.
    `now`: the time to judge by (tests move it on instead of waiting)."""
    now = now or utcnow()
    overdue = now - timedelta(seconds=ctx.settings.reconcile_after_seconds)
    async with ctx.db.read() as session:
        rows = list(
            (
                await session.execute(
                    select(Topup.id, Topup.status, Topup.gateway_charge_id).where(
                        Topup.status.in_(("processing", "requires_action")),
                        Topup.updated_at < overdue,
                        Topup.created_at > now - AWAITING_CUSTOMER_FOR,
                    )
                )
            ).all()
        )
    for topup_id, status, charge_id in rows:
        if status == "processing":
            await topups.resume_topup(ctx, topup_id)
        elif charge_id is not None:
            await webhooks.settle_from_gateway(ctx, topup_id, charge_id)
    return len(rows)
