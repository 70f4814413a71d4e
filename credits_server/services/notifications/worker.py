"""The delivery worker: one per server process, any number of them, leased as the recharge
worker is (credits_server.services.recharge_worker).

A worker claims a *target* (a conditional UPDATE of its lease: free, or its lease expired) and
sends that target's pending messages one at a time in the order they were written, so a receiver
sees an account's messages in order. A message is marked delivered only after the receiver took
it: a worker that dies between the two leaves it pending, and the next delivery repeats it with
the same id (at least once). A failure waits (exponential back-off) and holds the messages
behind it; past `notify_give_up_seconds` the message is a dead letter and the next one goes; a
target failing without a success for `notify_disable_after_seconds` is switched off and the owner
told. Time comes from `clock`, so tests can move it a day without waiting.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Subquery

from credits_core import notifications as k
from credits_server.context import Context
from credits_server.ledger import lock_account
from credits_server.logging import LOGGER_NAME
from credits_server.models import Account, NotificationTarget, OutboxMessage, utcnow
from credits_server.services import events
from credits_server.services.notifications import delivery
from credits_server.services.receipts import receipt_for_topup, receipt_text
from credits_server.services.recharge_worker import _process_gone

_log = logging.getLogger(LOGGER_NAME)
MAX_RUNNING = 16  # targets one process delivers to at once
Clock = Callable[[], datetime]


async def prune(ctx: Context, now: datetime) -> int:
    """Delete the delivered and dropped messages older than `notify_keep_seconds`."""
    before = now - timedelta(seconds=ctx.settings.notify_keep_seconds)
    async with ctx.db.write() as session:
        result = await session.execute(
            delete(OutboxMessage)
            .where(
                OutboxMessage.status.in_(("delivered", "cancelled")),
                OutboxMessage.created_at < before,
            )
            .execution_options(synchronize_session=False)
        )
    return int(getattr(result, "rowcount", 0) or 0)


async def run_worker(ctx: Context, worker_id: str, clock: Clock = utcnow) -> None:
    """Forever: claim targets with a message due and deliver to each in a task of its own;
    once an hour, prune what was delivered long ago."""
    running: dict[str, asyncio.Task[None]] = {}
    pruned_at = clock() - timedelta(hours=1)
    try:
        await release_orphans(ctx)
    except Exception:
        _log.exception("notify_worker_error")
    try:
        while True:
            for target_id in [key for key, task in running.items() if task.done()]:
                del running[target_id]
            try:
                for target_id in await claim_due(ctx, worker_id, set(running), clock()):
                    running[target_id] = asyncio.create_task(
                        _run_logged(ctx, target_id, worker_id, clock)
                    )
                if clock() - pruned_at >= timedelta(hours=1):
                    pruned_at = clock()
                    await prune(ctx, pruned_at)
            except Exception:  # keep serving; a claimed target's lease lets it be retried later
                _log.exception("notify_worker_error")
            if running:
                await asyncio.wait(
                    running.values(),
                    timeout=ctx.settings.notify_poll_seconds,
                    return_when=asyncio.FIRST_COMPLETED,
                )
            else:
                await asyncio.sleep(ctx.settings.notify_poll_seconds)
    finally:
        for task in running.values():
            task.cancel()
        await asyncio.gather(*running.values(), return_exceptions=True)


async def deliver_due(ctx: Context, worker_id: str, clock: Clock = utcnow) -> None:
    """One pass: deliver whatever is due now (the tests' way to step a simulated clock)."""
    while targets := await claim_due(ctx, worker_id, set(), clock()):
        await asyncio.gather(*(run_target(ctx, t, worker_id, clock) for t in targets))


async def _run_logged(ctx: Context, target_id: str, worker_id: str, clock: Clock) -> None:
    try:
        await run_target(ctx, target_id, worker_id, clock)
    except Exception:
        _log.exception("notify_worker_error", extra={"fields": {"target_id": target_id}})


async def release_orphans(ctx: Context) -> None:
    """At start-up: free the targets a dead process of this host held, without waiting for their
    lease to run out (their message in flight is sent again, with its same id)."""
    async with ctx.db.read() as session:
        claims = list(
            (
                await session.execute(
                    select(NotificationTarget.id, NotificationTarget.claimed_by).where(
                        NotificationTarget.claimed_by.is_not(None)
                    )
                )
            ).all()
        )
    for target_id, claimed_by in claims:
        if claimed_by is not None and _process_gone(claimed_by):
            await release(ctx, target_id, claimed_by)


def _claimable(now: datetime, lease: float) -> object:
    stale = now - timedelta(seconds=lease)
    return or_(NotificationTarget.claimed_by.is_(None), NotificationTarget.claimed_at < stale)


def _head_seqs() -> Subquery:
    """Each target's oldest pending message."""
    return (
        select(OutboxMessage.target_id, func.min(OutboxMessage.seq).label("seq"))
        .where(OutboxMessage.status == "pending")
        .group_by(OutboxMessage.target_id)
        .subquery()
    )


async def claim_due(ctx: Context, worker_id: str, running: set[str], now: datetime) -> list[str]:
    room = MAX_RUNNING - len(running)
    if room <= 0:
        return []
    heads = _head_seqs()
    lease = ctx.settings.notify_lease_seconds
    async with ctx.db.read() as session:
        due = list(
            (
                await session.execute(
                    select(NotificationTarget.id)
                    .join(heads, heads.c.target_id == NotificationTarget.id)
                    .join(OutboxMessage, OutboxMessage.seq == heads.c.seq)
                    .where(
                        OutboxMessage.next_attempt_at <= now,
                        NotificationTarget.enabled.is_(True),
                        _claimable(now, lease),  # type: ignore[arg-type]
                    )
                    .order_by(OutboxMessage.next_attempt_at)
                    .limit(room + len(running))
                )
            ).scalars()
        )
    claimed: list[str] = []
    for target_id in due:
        if target_id in running or len(claimed) >= room:
            continue
        if await claim(ctx, target_id, worker_id, now):
            claimed.append(target_id)
    return claimed


async def claim(ctx: Context, target_id: str, worker_id: str, now: datetime) -> bool:
    async with ctx.db.write() as session:
        result = await session.execute(
            update(NotificationTarget)
            .where(
                NotificationTarget.id == target_id,
                _claimable(now, ctx.settings.notify_lease_seconds),  # type: ignore[arg-type]
            )
            .values(claimed_by=worker_id, claimed_at=now)
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(result, "rowcount", 0) == 1)


async def release(ctx: Context, target_id: str, worker_id: str) -> None:
    async with ctx.db.write() as session:
        await session.execute(
            update(NotificationTarget)
            .where(NotificationTarget.id == target_id, NotificationTarget.claimed_by == worker_id)
            .values(claimed_by=None, claimed_at=None)
            .execution_options(synchronize_session=False)
        )


@contextlib.asynccontextmanager
async def lease_kept(
    ctx: Context, target_id: str, worker_id: str, clock: Clock
) -> AsyncIterator[None]:
    """Renew the lease while a slow delivery runs, so no other worker takes the target over."""

    async def renew() -> None:
        while True:
            await asyncio.sleep(ctx.settings.notify_lease_seconds / 3)
            async with ctx.db.write() as session:
                await session.execute(
                    update(NotificationTarget)
                    .where(
                        NotificationTarget.id == target_id,
                        NotificationTarget.claimed_by == worker_id,
                    )
                    .values(claimed_at=clock())
                    .execution_options(synchronize_session=False)
                )

    renewing = asyncio.create_task(renew())
    try:
        yield
    finally:
        renewing.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await renewing


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
    error: str | None = None
    try:
        async with lease_kept(ctx, target_id, worker_id, clock):
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
            message.status = "delivered"
            message.delivered_at = now
            target.failing_since = None
            return True
        message.last_error = error
        target.failing_since = target.failing_since or now
        if now - message.created_at >= timedelta(seconds=settings.notify_give_up_seconds):
            message.status = "dead"
        else:
            wait = settings.notify_backoff_seconds * 2 ** (message.attempts - 1)
            wait = min(wait, settings.notify_backoff_max_seconds)
            message.next_attempt_at = now + timedelta(seconds=wait)
        if now - target.failing_since >= timedelta(seconds=settings.notify_disable_after_seconds):
            message.status = "dead"
            await switch_off(session, target, error)
            return False
        return message.status == "dead"


async def switch_off(session: AsyncSession, target: NotificationTarget, error: str) -> None:
    """Stop a failing target: its waiting messages become dead letters, and the owner is told
    (an event the app shows, and an email to the account's email targets)."""
    since = (target.failing_since or utcnow()).strftime("%Y-%m-%d %H:%M UTC")
    target.enabled = False
    target.disabled_reason = f"Switched off: failing since {since} ({error})"[:300]
    await session.execute(
        update(OutboxMessage)
        .where(and_(OutboxMessage.target_id == target.id, OutboxMessage.status == "pending"))
        .values(status="dead", last_error="The target was switched off.")
        .execution_options(synchronize_session=False)
    )
    await events.emit(
        session,
        target.account_id,
        k.TARGET_DISABLED,
        {"target_id": target.id, "address": target.address, "error": error},
        skip_target=target.id,
    )
