"""An account's notification targets: listed, added (a webhook's signing secret is returned
once), changed (the kinds it wants, switched back on), removed; a test message; dead letters."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeGuard

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from credits_core import notifications as k
from credits_server.context import Context
from credits_server.errors import Conflict, FieldProblem, invalid, not_found
from credits_server.ids import new_id
from credits_server.models import NotificationTarget, OutboxMessage, utcnow
from credits_server.outbox import DIRECT, message_data, settled
from credits_server.services.notifications import addresses, signing

MAX_TARGETS = 20
_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")


@dataclass(frozen=True, slots=True)
class NewTarget:
    target: NotificationTarget
    secret: str | None
    """A webhook's signing secret: the only time it is shown."""


@dataclass(frozen=True, slots=True)
class DeadLetter:
    message: OutboxMessage
    address: str


def chosen(target: NotificationTarget) -> list[str]:
    return [kind for kind in json.loads(target.kinds) if kind in k.CHOOSABLE]


def _check_kinds(kinds: Sequence[str]) -> list[str]:
    unknown = [kind for kind in kinds if kind not in k.CHOOSABLE]
    if unknown:
        raise invalid([FieldProblem("events", "unknown", f"Unknown events: {', '.join(unknown)}.")])
    return [kind for kind in k.CHOOSABLE if kind in kinds]  # the app's order, no repeats


def _check_address(ctx: Context, channel: str, address: str) -> str:
    address = address.strip()
    if channel == "email":
        if not _EMAIL.match(address) or len(address) > 320:
            raise invalid([FieldProblem("address", "email", "Enter an email address.")])
        return address
    try:
        return addresses.check_url(ctx.settings, address)
    except addresses.Refused as refused:
        raise invalid([FieldProblem("address", "url", str(refused))]) from refused


def _listed(row: NotificationTarget | None, account_id: str) -> TypeGuard[NotificationTarget]:
    """One of the account's own targets (not removed, not an invitee's direct one)."""
    return (
        row is not None
        and row.account_id == account_id
        and row.deleted_at is None
        and row.channel != DIRECT
    )


async def list_targets(ctx: Context, account_id: str) -> Sequence[NotificationTarget]:
    async with ctx.db.read() as session:
        rows = await session.execute(
            select(NotificationTarget)
            .where(
                NotificationTarget.account_id == account_id,
                NotificationTarget.deleted_at.is_(None),
                NotificationTarget.channel != DIRECT,
            )
            .order_by(NotificationTarget.created_at, NotificationTarget.id)
        )
        return list(rows.scalars())


async def add_target(
    ctx: Context, account_id: str, channel: str, address: str, kinds: Sequence[str]
) -> NewTarget:
    if channel not in ("email", "webhook"):
        raise invalid([FieldProblem("channel", "choice", "Choose email or webhook.")])
    address = _check_address(ctx, channel, address)
    wanted = _check_kinds(kinds)
    secret = signing.new_secret() if channel == "webhook" else None
    async with ctx.db.write() as session:
        if len(await _live(session, account_id)) >= MAX_TARGETS:
            raise Conflict("too_many_targets", f"An account may have {MAX_TARGETS} targets.")
        row = NotificationTarget(
            id=new_id("nt"),
            account_id=account_id,
            channel=channel,
            address=address,
            secret=secret,
            kinds=json.dumps(wanted),
            enabled=True,
            created_at=utcnow(),
        )
        session.add(row)
    return NewTarget(row, secret)


async def _live(session: AsyncSession, account_id: str) -> list[str]:
    rows = await session.execute(
        select(NotificationTarget.id).where(
            NotificationTarget.account_id == account_id,
            NotificationTarget.deleted_at.is_(None),
            NotificationTarget.channel != DIRECT,
        )
    )
    return list(rows.scalars())


async def change_target(
    ctx: Context,
    account_id: str,
    target_id: str,
    kinds: Sequence[str] | None,
    enabled: bool | None,
) -> NotificationTarget:
    """New kinds, and/or switched back on (its failures forgotten)."""
    wanted = _check_kinds(kinds) if kinds is not None else None
    async with ctx.db.write() as session:
        row = await session.get(NotificationTarget, target_id, with_for_update=True)
        if not _listed(row, account_id):
            raise not_found("notification target")
        if wanted is not None:
            row.kinds = json.dumps(wanted)
        if enabled is not None:
            row.enabled = enabled
            if enabled:
                row.disabled_reason = None
                row.failing_since = None
    return row


async def remove_target(ctx: Context, account_id: str, target_id: str) -> None:
    """Removed, its waiting messages dropped (kept as `cancelled`, never sent)."""
    async with ctx.db.write() as session:
        row = await session.get(NotificationTarget, target_id, with_for_update=True)
        if not _listed(row, account_id):
            raise not_found("notification target")
        row.deleted_at = utcnow()
        row.enabled = False
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.target_id == target_id, OutboxMessage.status == "pending")
            .values(**settled("cancelled"))
            .execution_options(synchronize_session=False)
        )


async def send_test(ctx: Context, account_id: str, target_id: str) -> str:
    """Queue a test message for this target alone; its id."""
    now = utcnow()
    message_id = new_id("msg")
    async with ctx.db.write() as session:
        row = await session.get(NotificationTarget, target_id)
        if not _listed(row, account_id):
            raise not_found("notification target")
        await session.execute(
            insert(OutboxMessage).values(
                id=message_id,
                account_id=account_id,
                target_id=target_id,
                kind=k.TEST,
                data=message_data(k.TEST, {"target_id": target_id}, now, None),
                status="pending",
                attempts=0,
                next_attempt_at=now,
                created_at=now,
            )
        )
    return message_id


async def dead_letters(ctx: Context, account_id: str, limit: int = 50) -> list[DeadLetter]:
    """The newest messages given up on, with where they were going."""
    async with ctx.db.read() as session:
        rows = await session.execute(
            select(OutboxMessage, NotificationTarget.address)
            .join(NotificationTarget, NotificationTarget.id == OutboxMessage.target_id)
            .where(
                OutboxMessage.account_id == account_id,
                OutboxMessage.status == "dead",
                NotificationTarget.channel != DIRECT,  # an invitation's: the Team screen says
            )
            .order_by(OutboxMessage.seq.desc())
            .limit(limit)
        )
        return [DeadLetter(message, address) for message, address in rows.all()]
