"""The notification outbox: messages written inside the transaction of their cause, one row per
target that wants the event. The ORM path serves events.emit; the Core path serves the usage debit's
synchronous transaction (its only notification is a low-balance alert, so it costs a read only
when an alert is written)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncSession

from credits_core import notifications as k
from credits_server.ids import new_id
from credits_server.ledger import per_transaction
from credits_server.models import NotificationTarget, OutboxMessage

DIRECT = "direct"
"""The channel of a target made for one email to an address outside the account's targets (an
invitee): it wants no event (services/notifications/direct.py writes its one message)."""

_TARGETS = select(
    NotificationTarget.id, NotificationTarget.channel, NotificationTarget.kinds
).where(
    NotificationTarget.enabled.is_(True),
    NotificationTarget.deleted_at.is_(None),
    NotificationTarget.channel != DIRECT,
)


def settled(status: str, **values: Any) -> dict[str, Any]:
    """The values that end a message's wait (`delivered`, `dead` or `cancelled`): its secret
    part goes with them, so it is kept no longer than the message waits (the database refuses
    a secret on a message that is not pending)."""
    return {"status": status, "secret": None, **values}


def message_data(
    kind: str, data: dict[str, Any], created_at: datetime, event_seq: int | None
) -> str:
    """What a message carries (stored once, so every delivery of it says the same)."""
    stamp = created_at.isoformat().replace("+00:00", "Z")
    return json.dumps(
        {"type": kind, "created_at": stamp, "event_seq": event_seq, "data": data},
        separators=(",", ":"),
    )


def _rows(
    targets: Sequence[Any],
    account_id: str,
    kind: str,
    data: str,
    now: datetime,
    skip: str | None = None,
) -> list[dict[str, Any]]:
    return [
        {
            "id": new_id("msg"),
            "account_id": account_id,
            "target_id": target.id,
            "kind": kind,
            "data": data,
            "status": "pending",
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
        }
        for target in targets
        if target.id != skip and k.wanted_by(json.loads(target.kinds), target.channel, kind)
    ]


async def add_for_event(
    session: AsyncSession,
    account_id: str,
    kind: str,
    data: dict[str, Any],
    now: datetime,
    event_seq: int | None,
    skip: str | None = None,
) -> int:
    """Queue the event's message for each target that wants it (targets read once a
    transaction); `skip` leaves out one target (the one just switched off)."""
    if kind not in k.CHOOSABLE and kind != k.TARGET_DISABLED:
        return 0
    cache = per_transaction(session, "notification_targets")
    targets = cache.get(account_id)
    if not isinstance(targets, list):
        result = await session.execute(_TARGETS.where(NotificationTarget.account_id == account_id))
        targets = cache[account_id] = list(result.all())
    rows = _rows(targets, account_id, kind, message_data(kind, data, now, event_seq), now, skip)
    if rows:
        await session.execute(insert(OutboxMessage), rows)
    return len(rows)


def add_for_events_sync(
    connection: Connection,
    account_id: str,
    events: Sequence[dict[str, Any]],
    now: datetime,
) -> None:
    """The Core twin of add_for_event for events written as rows ({seq, type, data as JSON})."""
    wanted = [event for event in events if event["type"] in k.CHOOSABLE]
    if not wanted:
        return
    targets = list(connection.execute(_TARGETS.where(NotificationTarget.account_id == account_id)))
    rows: list[dict[str, Any]] = []
    for event in wanted:
        data = message_data(event["type"], json.loads(event["data"]), now, event["seq"])
        rows.extend(_rows(targets, account_id, event["type"], data, now))
    if rows:
        connection.execute(insert(OutboxMessage), rows)
