"""The delivery worker: one per server process, any number of them, each holding a *target* by
a lease (credits_server.services.leases, as recharge intents are held).

A worker claims a target and sends that target's pending messages one at a time in the order
they were written, so a receiver sees an account's messages in order. A message is marked
delivered only after the receiver took it: a worker that dies between the two leaves it pending,
and the next delivery repeats it with the same id (at least once). A failure waits (exponential
back-off) and holds the messages behind it; past `notify_give_up_seconds` the message is a dead
letter and the next one goes; a target failing without a success for
`notify_disable_after_seconds` is switched off and the owner told (a direct target, one
invitee's, is not: its one message just dies). A message still pending at its `expires_at` is
cancelled unsent. Whatever ends a message's wait blanks its secret part (outbox.settled). Time
comes from `clock`, so tests can move it a day without waiting.
"""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Subquery

from credits_core import notifications as k
from credits_server.context import Context
from credits_server.ledger import lock_account
from credits_server.models import Account, NotificationTarget, OutboxMessage, utcnow
from credits_server.outbox import DIRECT, settled
from credits_server.services import events
from credits_server.services.leases import Clock, LeasedJobs
from credits_server.services.notifications import delivery
from credits_server.services.receipts import receipt_for_topup, receipt_text

TARGETS = LeasedJobs(
    NotificationTarget,
    lambda settings: settings.notify_lease_seconds,
    name="notify_worker",
    id_field="target_id",
)


async def drop_expired(ctx: Context, now: datetime) -> None:
    """Cancel the pending messages past their `expires_at` (their secret blanked)."""
    async with ctx.db.write() as session:
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.status == "pending", OutboxMessage.expires_at <= now)
            .values(**settled("cancelled", last_error="Not delivered before it expired."))
            .execution_options(synchronize_session=False)
        )


async def prune(ctx: Context, now: datetime) -> int:
    """Cancel the expired messages; delete the delivered and dropped messages older than
    `notify_keep_seconds` (an invitee's dead letter too: nobody is shown it), then the direct
    targets (one invitee's each) left without a message."""
    await drop_expired(ctx, now)
    before = now - timedelta(seconds=ctx.settings.notify_keep_seconds)
    direct_targets = select(NotificationTarget.id).where(NotificationTarget.channel == DIRECT)
    async with ctx.db.write() as session:
        result = await session.execute(
            delete(OutboxMessage)
            .where(
                OutboxMessage.created_at < before,
                OutboxMessage.status.in_(("delivered", "cancelled"))
                | ((OutboxMessage.status == "dead") & OutboxMessage.target_id.in_(direct_targets)),
            )
            .execution_options(synchronize_session=False)
        )
        await session.execute(
            delete(NotificationTarget)
            .where(
                NotificationTarget.channel == DIRECT,
                ~select(OutboxMessage.id)
                .where(OutboxMessage.target_id == NotificationTarget.id)
                .exists(),
            )
            .execution_options(synchronize_session=False)
        )
    return int(getattr(result, "rowcount", 0) or 0)


async def run_worker(ctx: Context, worker_id: str, clock: Clock = utcnow) -> None:
    """Forever: claim targets with a message due and deliver to each in a task of its own;
    once an hour, prune what was delivered long ago."""
    pruned_at = clock() - timedelta(hours=1)

    async def prune_hourly() -> None:
        nonlocal pruned_at
        if clock() - pruned_at >= timedelta(hours=1):
            pruned_at = clock()
            await prune(ctx, pruned_at)

    await TARGETS.serve(
        ctx,
        lambda running: claim_due(ctx, worker_id, running, clock()),
        lambda target_id: run_target(ctx, target_id, worker_id, clock),
        ctx.settings.notify_poll_seconds,
        between=prune_hourly,
    )


async def deliver_due(ctx: Context, worker_id: str, clock: Clock = utcnow) -> None:
    """One pass: deliver whatever is due now (the tests' way to step a simulated clock)."""
    while targets := await claim_due(ctx, worker_id, set(), clock()):
        await asyncio.gather(*(run_target(ctx, t, worker_id, clock) for t in targets))


def _head_seqs() -> Subquery:
    """Each target's oldest pending message."""
    return (
        select(OutboxMessage.target_id, func.min(OutboxMessage.seq).label("seq"))
        .where(OutboxMessage.status == "pending")
        .group_by(OutboxMessage.target_id)
        .subquery()
    )


async def claim_due(ctx: Context, worker_id: str, running: set[str], now: datetime) -> list[str]:
    """Claim the enabled targets whose oldest pending message is due."""
    heads = _head_seqs()
    due = (
        select(NotificationTarget.id)
        .join(heads, heads.c.target_id == NotificationTarget.id)
        .join(OutboxMessage, OutboxMessage.seq == heads.c.seq)
        .where(OutboxMessage.next_attempt_at <= now, NotificationTarget.enabled.is_(True))
        .order_by(OutboxMessage.next_attempt_at)
    )
    return await TARGETS.claim_due(ctx, due, worker_id, running, now)


async def release(ctx: Context, target_id: str, worker_id: str) -> None:
    await TARGETS.release(ctx, target_id, worker_id)


async def run_target(ctx: Context, target_id: str, worker_id: str, clock: Clock) -> None:
    """Send the target's due messages in order until none is due, one fails, or the lease is
    lost; then give the target back."""
    try:
        while await _send_head(ctx, target_id, worker_id, clock):
            pass
    finally:
        await release(ctx, target_id, worker_id)


async def _receipt_of(session: AsyncSession, message: OutboxMessage) -> str | None:
    """The numbered receipt's text for a payment's message (issued in the payment's own
    transaction, so it is there), so the email says what the receipt says."""
    if message.kind not in ("topup.succeeded", "auto_recharge.succeeded"):
        return None
    topup = json.loads(message.data)["data"].get("topup")
    if not isinstance(topup, dict):
        return None
    receipt = await receipt_for_topup(session, str(topup["id"]))
    return None if receipt is None else receipt_text(receipt)


async def _send_head(ctx: Context, target_id: str, worker_id: str, clock: Clock) -> bool:
    async with ctx.db.read() as session:
        target = await session.get(NotificationTarget, target_id)
        message = (
            await session.execute(
                select(OutboxMessage)
                .where(OutboxMessage.target_id == target_id, OutboxMessage.status == "pending")
                .order_by(OutboxMessage.seq)
                .limit(1)
            )
        ).scalar_one_or_none()
        if target is None or message is None or target.claimed_by != worker_id:
            return False
        if not target.enabled or message.next_attempt_at > clock():
            return False
        account = await session.get(Account, target.account_id)
        assert account is not None
        receipt = await _receipt_of(session, message)
    if message.expires_at is not None and message.expires_at <= clock():
        await drop_expired(ctx, clock())  # never sent: the next message may go
        return True
    error: str | None = None
    try:
        async with TARGETS.kept(ctx, target_id, worker_id, clock):
            await delivery.deliver(ctx.settings, target, message, account, clock(), receipt)
    except Exception as failure:  # any failure is the receiver's answer for now: retried
        error = (str(failure) or type(failure).__name__)[:300]
    return await _record(ctx, target_id, message.seq, worker_id, error, clock())


async def _record(
    ctx: Context, target_id: str, seq: int, worker_id: str, error: str | None, now: datetime
) -> bool:
    """Write the outcome; True when the next message may go at once."""
    settings = ctx.settings
    async with ctx.db.write() as session:
        target = await session.get(NotificationTarget, target_id)
        if target is None or target.claimed_by != worker_id:
            return False  # the lease was lost: the new holder decides
        if error is not None:
            await lock_account(session, target.account_id)  # before the rows, as emit takes them
        message = await session.get(OutboxMessage, seq, with_for_update=True)
        if message is None or message.status != "pending":
            return True
        message.attempts += 1
        if error is None:
            _settle(message, "delivered", delivered_at=now)
            target.failing_since = None
            return True
        message.last_error = error
        target.failing_since = target.failing_since or now
        if now - message.created_at >= timedelta(seconds=settings.notify_give_up_seconds):
            _settle(message, "dead")
        else:
            wait = settings.notify_backoff_seconds * 2 ** (message.attempts - 1)
            wait = min(wait, settings.notify_backoff_max_seconds)
            message.next_attempt_at = now + timedelta(seconds=wait)
        failing = now - target.failing_since
        if target.channel != DIRECT and failing >= timedelta(
            seconds=settings.notify_disable_after_seconds
        ):
            _settle(message, "dead")
            await switch_off(session, target, error)
            return False
        return message.status == "dead"


def _settle(message: OutboxMessage, status: str, **values: object) -> None:
    for key, value in settled(status, **values).items():
        setattr(message, key, value)


async def switch_off(session: AsyncSession, target: NotificationTarget, error: str) -> None:
    """Stop a failing target: its waiting messages become dead letters, and the owner is told
    (an event the app shows, and an email to the account's email targets)."""
    since = (target.failing_since or utcnow()).strftime("%Y-%m-%d %H:%M UTC")
    target.enabled = False
    target.disabled_reason = f"Switched off: failing since {since} ({error})"[:300]
    await session.execute(
        update(OutboxMessage)
        .where(and_(OutboxMessage.target_id == target.id, OutboxMessage.status == "pending"))
        .values(**settled("dead", last_error="The target was switched off."))
        .execution_options(synchronize_session=False)
    )
    await events.emit(
        session,
        target.account_id,
        k.TARGET_DISABLED,
        {"target_id": target.id, "address": target.address, "error": error},
        skip_target=target.id,
    )
