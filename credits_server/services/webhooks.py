"""What the gateway tells us on its own (its webhooks, read by the gateway's folder into
`GatewayEvent`s): each event acted on once, in any order, any number of times.

- Any event about a payment first settles its top-up, if not final yet, from the gateway's answer
  *now* (asked again, not read from the event), so a late or out-of-order delivery can only
  confirm what is true; the ledger credit happens once (`apply_charge_result`, `topup:<id>`).
- A refund: the refunded credits leave the balance (an adjustment, `refund:<top-up id>`, once).
- A dispute: the owner is told (a `payment.disputed` event on the account's stream).
- A payment link paid on the gateway's hosted page: asked of the gateway again, then its top-up
  recorded and credited once (`payment_links.settle_checkout`).
- Anything else: acknowledged and ignored.
The event's id is stored (`gateway_events`); a repeat of it does nothing.
"""

from __future__ import annotations

import logging

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from credits_core.cards import card_label
from credits_server.context import Context
from credits_server.gateway.events import GatewayEvent, ProcessedGatewayEvent
from credits_server.ledger import post
from credits_server.logging import LOGGER_NAME
from credits_server.models import Topup
from credits_server.services import events, payment_links
from credits_server.services.topups import apply_charge_result

_log = logging.getLogger(LOGGER_NAME)


async def handle(ctx: Context, event: GatewayEvent) -> None:
    async with ctx.db.read() as session:
        if await session.get(ProcessedGatewayEvent, event.event_id) is not None:
            return
    if event.kind == "checkout_completed" and event.payment_link_id and event.charge_id:
        outcome = await ctx.gateway.checkout_outcome(event.charge_id)
        if outcome is not None:
            await payment_links.settle_checkout(ctx, event.payment_link_id, outcome)
    elif event.kind != "ignored" and event.topup_id and event.charge_id:
        # Whatever came first: a refund or a dispute may be delivered before the success.
        await settle_from_gateway(ctx, event.topup_id, event.charge_id)
    try:
        async with ctx.db.write() as session:
            if await session.get(ProcessedGatewayEvent, event.event_id) is not None:
                return  # another delivery of it, at the same moment, got here first
            topup = await session.get(Topup, event.topup_id) if event.topup_id else None
            if topup is not None and event.kind == "refunded":
                await _refund(session, topup, event.amount)
            if topup is not None and event.kind == "disputed":
                await _dispute(session, topup, event)
            session.add(
                ProcessedGatewayEvent(
                    event_id=event.event_id, kind=event.kind, topup_id=event.topup_id
                )
            )
    except IntegrityError:
        pass  # PostgreSQL: a concurrent delivery of the same event recorded it first


async def settle_from_gateway(ctx: Context, topup_id: str, charge_id: str) -> Topup | None:
    """Settle a top-up not yet final from the gateway's current answer for its charge."""
    async with ctx.db.read() as session:
        topup = await session.get(Topup, topup_id)
    if topup is None or topup.status in ("succeeded", "failed"):
        return topup
    try:
        result = await ctx.gateway.refresh(charge_id)
    except Exception as error:  # still undecided, or unreachable: settled later
        _log.warning(
            "gateway_refresh_failed",
            extra={"fields": {"topup_id": topup_id, "error": type(error).__name__}},
        )
        return topup
    if result.status == "requires_action" and topup.status == "requires_action":
        return topup
    return await apply_charge_result(ctx, topup_id, result)


async def _refund(session: AsyncSession, topup: Topup, amount: int) -> None:
    if topup.status != "succeeded" or amount <= 0:
        return
    # Once per top-up: the ledger's reference is unique per account.
    await post(
        session,
        topup.account_id,
        kind="adjustment",
        amount=-min(amount, topup.amount),
        description=f"Refund to {card_label(topup.card_brand, topup.card_last4)}",
        reference=f"refund:{topup.id}",
    )
    await events.emit_balance(session, topup.account_id)


async def _dispute(session: AsyncSession, topup: Topup, event: GatewayEvent) -> None:
    payload = {
        "topup_id": topup.id,
        "amount": event.amount or topup.amount,
        "currency": topup.currency,
        "reason": event.reason,
    }
    await events.emit(session, topup.account_id, "payment.disputed", payload)
