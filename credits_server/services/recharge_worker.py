"""The background task that runs recharge intents; one per server process, any number of them.

An intent is claimed with a conditional UPDATE (free, or its lease expired), so exactly one worker
runs it at a time; the lease is renewed while the gateway is called, and released when the intent
waits for its backoff. The gateway is called outside any database transaction. An attempt's top-up
row is written before the charge and its id is the gateway's idempotency key, so an attempt that a
dead process left in flight is resumed with the same key and can never charge twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update

from credits_server.context import Context
from credits_server.ledger import lock_account
from credits_server.logging import LOGGER_NAME
from credits_server.models import RechargeIntent, Topup, utcnow
from credits_server.services import recharge, topups

_log = logging.getLogger(LOGGER_NAME)
MAX_RUNNING = 16  # intents one process runs at once


def new_worker_id() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(4)}"


def _process_gone(claimed_by: str) -> bool:
    """A claim made on this host by a process that no longer exists (killed, crashed)."""
    host, _, rest = claimed_by.partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname()[:40] or not pid_text.isdigit():
        return False  # another host's worker: its lease decides
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # alive, someone else's
    return False


async def release_orphans(ctx: Context) -> int:
    """At start-up: free the intents a dead process of this host held, without waiting for their
    lease to expire; they are resumed at once (an attempt in flight with its same key)."""
    async with ctx.db.read() as session:
        claims = list(
            (
                await session.execute(
                    select(RechargeIntent.id, RechargeIntent.claimed_by).where(
                        RechargeIntent.status == "open", RechargeIntent.claimed_by.is_not(None)
                    )
                )
            ).all()
        )
    released = 0
    for intent_id, claimed_by in claims:
        if claimed_by is not None and _process_gone(claimed_by):
            await release(ctx, intent_id, claimed_by)
            released += 1
    return released


async def run_worker(ctx: Context, worker_id: str) -> None:
    """Forever: claim due intents and run each in a task of its own (a slow gateway call for one
    account does not hold up another's); wake on this process's news, a finished run, or a poll."""
    wake = recharge.wake_event()
    running: dict[str, asyncio.Task[None]] = {}
    try:
        await release_orphans(ctx)
    except Exception:
        _log.exception("recharge_worker_error")
    try:
        while True:
            wake.clear()
            for intent_id in [key for key, task in running.items() if task.done()]:
                del running[intent_id]
            try:
                for intent_id in await claim_due(ctx, worker_id, set(running)):
                    running[intent_id] = asyncio.create_task(_run_logged(ctx, intent_id, worker_id))
            except Exception:  # keep serving; a claimed intent's lease lets it be retried later
                _log.exception("recharge_worker_error")
            woken = asyncio.create_task(wake.wait())
            try:
                await asyncio.wait(
                    [woken, *running.values()],
                    timeout=ctx.settings.recharge_poll_seconds,
                    return_when=asyncio.FIRST_COMPLETED,
                )
            finally:
                woken.cancel()
    finally:
        for task in running.values():
            task.cancel()
        await asyncio.gather(*running.values(), return_exceptions=True)


async def _run_logged(ctx: Context, intent_id: str, worker_id: str) -> None:
    try:
        await run_claimed(ctx, intent_id, worker_id)
    except Exception:
        _log.exception("recharge_worker_error", extra={"fields": {"intent_id": intent_id}})


def _claimable(now: datetime, lease: float) -> object:
    stale = now - timedelta(seconds=lease)
    return or_(RechargeIntent.claimed_by.is_(None), RechargeIntent.claimed_at < stale)


async def claim_due(ctx: Context, worker_id: str, running: set[str]) -> list[str]:
    """Claim the intents that are due and free (or whose worker's lease ran out)."""
    room = MAX_RUNNING - len(running)
    if room <= 0:
        return []
    now = utcnow()
    lease = ctx.settings.recharge_lease_seconds
    async with ctx.db.read() as session:
        due = list(
            (
                await session.execute(
                    select(RechargeIntent.id)
                    .where(
                        RechargeIntent.status == "open",
                        RechargeIntent.next_attempt_at <= now,
                        _claimable(now, lease),  # type: ignore[arg-type]
                    )
                    .order_by(RechargeIntent.next_attempt_at)
                    .limit(room + len(running))
                )
            ).scalars()
        )
    claimed: list[str] = []
    for intent_id in due:
        if intent_id in running or len(claimed) >= room:
            continue
        if await claim(ctx, intent_id, worker_id):
            claimed.append(intent_id)
    return claimed


async def claim(ctx: Context, intent_id: str, worker_id: str) -> bool:
    """Take the intent if nobody holds a live lease on it (the UPDATE's WHERE decides)."""
    now = utcnow()
    async with ctx.db.write() as session:
        result = await session.execute(
            update(RechargeIntent)
            .where(
                RechargeIntent.id == intent_id,
                RechargeIntent.status == "open",
                _claimable(now, ctx.settings.recharge_lease_seconds),  # type: ignore[arg-type]
            )
            .values(claimed_by=worker_id, claimed_at=now)
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(result, "rowcount", 0) == 1)


async def release(
    ctx: Context, intent_id: str, worker_id: str, retry_at: datetime | None = None
) -> None:
    values: dict[str, object] = {"claimed_by": None, "claimed_at": None}
    if retry_at is not None:
        values["next_attempt_at"] = retry_at
    async with ctx.db.write() as session:
        await session.execute(
            update(RechargeIntent)
            .where(RechargeIntent.id == intent_id, RechargeIntent.claimed_by == worker_id)
            .values(**values)
            .execution_options(synchronize_session=False)
        )


@contextlib.asynccontextmanager
async def lease_kept(ctx: Context, intent_id: str, worker_id: str) -> AsyncIterator[None]:
    """Renew the lease while a slow gateway call runs, so no other worker takes it over."""

    async def renew() -> None:
        while True:
            await asyncio.sleep(ctx.settings.recharge_lease_seconds / 3)
            async with ctx.db.write() as session:
                await session.execute(
                    update(RechargeIntent)
                    .where(RechargeIntent.id == intent_id, RechargeIntent.claimed_by == worker_id)
                    .values(claimed_at=utcnow())
                    .execution_options(synchronize_session=False)
                )

    renewing = asyncio.create_task(renew())
    try:
        yield
    finally:
        renewing.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await renewing


async def run_claimed(ctx: Context, intent_id: str, worker_id: str) -> None:
    while True:
        topup_id = await prepare_attempt(ctx, intent_id, worker_id)
        if topup_id is None:
            return
        async with lease_kept(ctx, intent_id, worker_id):
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
