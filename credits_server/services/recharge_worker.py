"""The background task that runs recharge intents; one per server process, any number of them.

An intent is held by a lease (credits_server.services.leases), so exactly one worker runs it at a
time; the lease is renewed while the gateway is called, and released when the intent waits for
its backoff; at start-up the open intents a dead process of this host held are resumed at once.
The gateway is called outside any database transaction. An attempt's top-up row is written
before the charge and its id is the gateway's idempotency key, so an attempt that a dead process
left in flight is resumed with the same key and can never charge twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from credits_server.context import Context
from credits_server.ledger import lock_account
from credits_server.models import RechargeIntent, Topup, utcnow
from credits_server.services import recharge, topups
from credits_server.services.leases import LeasedJobs

INTENTS = LeasedJobs(
    RechargeIntent,
    lambda settings: settings.recharge_lease_seconds,
    name="recharge_worker",
    id_field="intent_id",
    only=(RechargeIntent.status == "open",),
)


async def run_worker(ctx: Context, worker_id: str) -> None:
    """Forever: claim due intents and run each in a task of its own (a slow gateway call for one
    account does not hold up another's); wake on this process's news, a finished run, or a poll."""
    await INTENTS.serve(
        ctx,
        lambda running: claim_due(ctx, worker_id, running),
        lambda intent_id: run_claimed(ctx, intent_id, worker_id),
        ctx.settings.recharge_poll_seconds,
        wake=recharge.wake_event(),
    )


async def claim_due(ctx: Context, worker_id: str, running: set[str]) -> list[str]:
    """Claim the intents that are due and free (or whose worker's lease ran out)."""
    now = utcnow()
    due = (
        select(RechargeIntent.id)
        .where(RechargeIntent.status == "open", RechargeIntent.next_attempt_at <= now)
        .order_by(RechargeIntent.next_attempt_at)
    )
    return await INTENTS.claim_due(ctx, due, worker_id, running, now)


async def release(
    ctx: Context, intent_id: str, worker_id: str, retry_at: datetime | None = None
) -> None:
    values = {} if retry_at is None else {"next_attempt_at": retry_at}
    await INTENTS.release(ctx, intent_id, worker_id, **values)


async def run_claimed(ctx: Context, intent_id: str, worker_id: str) -> None:
    while True:
        topup_id = await prepare_attempt(ctx, intent_id, worker_id)
        if topup_id is None:
            return
        async with INTENTS.kept(ctx, intent_id, worker_id, utcnow):
            topup = await topups.process_topup(ctx, topup_id)
        if topup.status == "processing":  # outcome unknown: ask again later, same key
            retry_at = utcnow() + timedelta(seconds=ctx.settings.recharge_backoff_seconds)
            await release(ctx, intent_id, worker_id, retry_at)
            return
        async with ctx.db.read() as session:
            intent = await session.get(RechargeIntent, intent_id)
        if intent is None or intent.status != "open" or intent.claimed_by != worker_id:
            return
        if intent.next_attempt_at > utcnow():  # backoff: any worker may take the next attempt
            await release(ctx, intent_id, worker_id)
            return


async def prepare_attempt(ctx: Context, intent_id: str, worker_id: str) -> str | None:
    """The top-up to charge next (the one in flight, or a new attempt), or None when done."""
    settings = ctx.settings
    async with ctx.db.write() as session:
        # The account first, then the intent: the order apply_charge_result takes them in.
        account_id = await session.scalar(
            select(RechargeIntent.account_id).where(RechargeIntent.id == intent_id)
        )
        if account_id is None:
            return None
        account = await lock_account(session, account_id)
        intent = await session.get(
            RechargeIntent, intent_id, populate_existing=True, with_for_update=True
        )
        if intent is None or intent.status != "open" or intent.claimed_by != worker_id:
            return None
        if intent.topup_id is not None:
            current = await session.get(Topup, intent.topup_id)
            if current is not None and current.status == "processing":
                return current.id  # resumed with the same gateway idempotency key
        row = await recharge.settings_row(session, intent.account_id)
        if row is None or not row.enabled:
            recharge.close(intent, "cancelled", "auto_recharge_off")
            return None
        amount = (row.target or 0) - account.balance if row.mode == "top_up_to" else row.amount
        if account.balance >= row.threshold or amount <= 0:
            recharge.close(intent, "not_needed", None)  # topped up by hand meanwhile
            return None
        limit = await recharge.limit_reached(session, settings, row, amount)
        if limit is not None:
            await recharge.skip(session, settings, intent, row, limit, amount, account.currency)
            return None
        method = await recharge.card_for(session, row, intent.card_index)
        if method is None and intent.card_index == 0:  # the card was removed: the backup's turn
            intent.card_index = 1
            method = await recharge.card_for(session, row, 1)
        if method is None:
            recharge.close(intent, "failed", "no_card")
            await recharge.disable(
                session, row, "Auto-recharge was turned off: its card is not saved."
            )
            return None
        topup = recharge.new_attempt_topup(intent, method, amount, account.currency)
        session.add(topup)
        intent.topup_id = topup.id
        intent.updated_at = utcnow()
        return topup.id
