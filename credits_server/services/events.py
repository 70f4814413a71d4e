"""Account events: written in the same transaction as the change they report (an outbox), read by
GET /v1/events by polling, so every server process sharing the database streams the same events.

`seq` is the event id a client sees: the next after the account's highest (money_rules.next_seq),
taken while the account row is locked (FOR UPDATE on PostgreSQL; SQLite's write lock), so the
events of one account commit in `seq` order and a reader that has seen N can never later find an
event below N appear.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from credits_server import outbox
from credits_server.context import Context
from credits_server.ledger import lock_account, per_transaction
from credits_server.models import AutoRechargeSettings, Event, PaymentMethod, Topup, utcnow
from credits_server.money_rules import next_seq
from credits_server.representations import auto_recharge_out, topup_out
from credits_server.settings import Settings

TYPES = (
    "balance.updated",
    "topup.succeeded",
    "topup.failed",
    "auto_recharge.succeeded",
    "auto_recharge.failed",
    "auto_recharge.disabled",
    "settings.updated",
    "low_balance",
    "payment.disputed",
    "payment_link.updated",
    "support_request.received",
    "payment_method.saved",
    "payment_method.removed",
    "notifications.target_disabled",
    "support.answered",
)


async def emit(
    session: AsyncSession,
    account_id: str,
    type_: str,
    data: dict[str, Any],
    *,
    skip_target: str | None = None,
) -> Event:
    """Add an event inside the caller's write transaction, and the notification messages of the
    targets that want it (the outbox: they commit or roll back with their cause)."""
    if type_ not in TYPES:
        raise ValueError(f"unknown event type {type_!r}")
    await lock_account(session, account_id)
    # The last seq is read once per transaction: under the account's lock nobody else can add one.
    seqs = per_transaction(session, "event_seqs")
    last = seqs.get(account_id)
    if not isinstance(last, int):
        last = (
            await session.execute(
                select(func.coalesce(func.max(Event.seq), 0)).where(Event.account_id == account_id)
            )
        ).scalar_one()
    seq = seqs[account_id] = next_seq(int(last))
    event = Event(
        account_id=account_id,
        seq=seq,
        type=type_,
        data=json.dumps(data, separators=(",", ":")),
        created_at=utcnow(),
    )
    session.add(event)
    await session.flush()
    await outbox.add_for_event(
        session, account_id, type_, data, event.created_at, seq, skip=skip_target
    )
    return event


async def latest_seq(ctx: Context, account_id: str) -> int:
    async with ctx.db.read() as session:
        last = (
            await session.execute(
                select(func.coalesce(func.max(Event.seq), 0)).where(Event.account_id == account_id)
            )
        ).scalar_one()
    return int(last)


async def events_after(
    ctx: Context, account_id: str, after: int, limit: int = 200
) -> Sequence[Event]:
    async with ctx.db.read() as session:
        rows = await session.execute(
            select(Event)
            .where(Event.account_id == account_id, Event.seq > after)
            .order_by(Event.seq)
            .limit(limit)
        )
        return list(rows.scalars())


def as_sse(event: Event) -> str:
    body = json.dumps(
        {
            "type": event.type,
            "created_at": event.created_at.isoformat().replace("+00:00", "Z"),
            "data": json.loads(event.data),
        },
        separators=(",", ":"),
    )
    return f"id: {event.seq}\nevent: {event.type}\ndata: {body}\n\n"


async def emit_balance(session: AsyncSession, account_id: str) -> None:
    account = await lock_account(session, account_id)
    await emit(
        session,
        account_id,
        "balance.updated",
        {"balance": account.balance, "currency": account.currency},
    )


async def topup_payload(session: AsyncSession, topup: Topup) -> dict[str, Any]:
    """The Topup as GET /v1/topups/{id} shows it (no action_url: only final top-ups are sent)."""
    method = None
    if topup.payment_method_id is not None:
        method = await session.get(PaymentMethod, topup.payment_method_id)
    return topup_out(topup, method).model_dump(mode="json")


def auto_recharge_payload(settings: Settings, row: AutoRechargeSettings) -> dict[str, Any]:
    return auto_recharge_out(settings, row).model_dump(mode="json")


async def emit_settings(
    session: AsyncSession, settings: Settings, row: AutoRechargeSettings
) -> None:
    await emit(
        session,
        row.account_id,
        "settings.updated",
        {"auto_recharge": auto_recharge_payload(settings, row)},
    )
