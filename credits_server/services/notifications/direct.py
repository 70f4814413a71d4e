"""One email to an address outside the account's notification targets (an invitee).

It is an ordinary outbox message on a target of its own (channel `direct`, wanting no event),
written in the transaction of its cause and delivered by the one worker like every other message:
the same id on every try, back-off, a dead letter in the end. Its secret part (a one-time code)
is kept in the message's `secret` column only while the message waits: delivered, given up,
expired or dropped, it is blanked (outbox.settled).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from credits_server.ids import new_id
from credits_server.models import NotificationTarget, OutboxMessage
from credits_server.outbox import DIRECT, message_data, settled
from credits_server.services.notifications import smtp
from credits_server.settings import Settings

Sent = Literal["queued", "sent", "failed"]
_SAID: dict[str, Sent] = {"pending": "queued", "delivered": "sent", "dead": "failed"}


async def queue(
    session: AsyncSession,
    settings: Settings,
    account_id: str,
    address: str,
    kind: str,
    data: dict[str, Any],
    secret: str,
    expires_at: datetime,
    now: datetime,
) -> str | None:
    """Queue the email in the caller's transaction: its message id, or None (nothing written)
    when the server sends no email."""
    if not smtp.configured(settings):
        return None
    target_id, message_id = new_id("nt"), new_id("msg")
    # Core inserts: bookkeeping of the cause's own row, which the audit trail records.
    await session.execute(
        insert(NotificationTarget).values(
            id=target_id,
            account_id=account_id,
            channel=DIRECT,
            address=address,
            kinds="[]",
            enabled=True,
            created_at=now,
        )
    )
    await session.execute(
        insert(OutboxMessage).values(
            id=message_id,
            account_id=account_id,
            target_id=target_id,
            kind=kind,
            data=message_data(kind, data, now, None),
            status="pending",
            attempts=0,
            next_attempt_at=now,
            created_at=now,
            secret=secret,
            expires_at=expires_at,
        )
    )
    return message_id


async def drop(session: AsyncSession, message_id: str, now: datetime) -> None:
    """The email is no longer wanted: cancelled if it still waits (its secret blanked), and its
    target closed."""
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == "pending")
        .values(**settled("cancelled"))
        .execution_options(synchronize_session=False)
    )
    await session.execute(
        update(NotificationTarget)
        .where(
            NotificationTarget.channel == DIRECT,
            NotificationTarget.id.in_(
                select(OutboxMessage.target_id).where(OutboxMessage.id == message_id)
            ),
        )
        .values(enabled=False, deleted_at=now)
        .execution_options(synchronize_session=False)
    )


async def states(session: AsyncSession, message_ids: Collection[str]) -> dict[str, Sent]:
    """Where each email is: queued (waiting, perhaps after failures), sent or failed. A message
    gone from the outbox was delivered long ago (only those are pruned)."""
    if not message_ids:
        return {}
    rows = await session.execute(
        select(OutboxMessage.id, OutboxMessage.status).where(OutboxMessage.id.in_(message_ids))
    )
    found = {message_id: _SAID.get(status, "failed") for message_id, status in rows.all()}
    return {message_id: found.get(message_id, "sent") for message_id in message_ids}
