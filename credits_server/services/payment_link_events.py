"""A payment link follows its top-ups: whichever path settles a try (the page, 3-D Secure, a
webhook, reconciliation, a restart), the link is updated and `payment_link.updated` emitted in the
same transaction as the top-up's own change. Below the top-up service, which calls `on_settled`.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from credits_server.models import PaymentLink, PaymentMethod, Topup, utcnow
from credits_server.representations import payment_link_out, topup_out
from credits_server.services import events

KEY_PREFIX = "payment-link:"


def try_key(link_id: str, attempt: str) -> str:
    """The Idempotency-Key of a try on the link's page (`attempt`: its number, or "checkout")."""
    return f"{KEY_PREFIX}{link_id}:{attempt}"


def link_of(key: str) -> str | None:
    """The payment link a top-up was a try of, from its key (None: not a link's)."""
    if not key.startswith(KEY_PREFIX):
        return None
    return key.removeprefix(KEY_PREFIX).partition(":")[0] or None


async def emit_link(session: AsyncSession, link: PaymentLink, topup: Topup | None) -> None:
    shown = None
    if topup is not None:
        method = None
        if topup.payment_method_id is not None:
            method = await session.get(PaymentMethod, topup.payment_method_id)
        shown = topup_out(topup, method)
    payload = payment_link_out(link, shown, None, utcnow()).model_dump(mode="json")
    await events.emit(session, link.account_id, "payment_link.updated", payload)


async def on_settled(session: AsyncSession, topup: Topup) -> None:
    """The top-up `topup` (in this write transaction) has an outcome: so has its link's try."""
    link_id = link_of(topup.idempotency_key)
    if link_id is None:
        return
    link = await session.get(PaymentLink, link_id, with_for_update=True)
    if link is None or link.account_id != topup.account_id or link.status == "paid":
        return
    link.topup_id = topup.id
    link.updated_at = utcnow()
    if topup.status == "succeeded":
        link.status = "paid"
        link.last_failure_code = link.last_failure_message = None
    elif topup.status == "failed":
        # The person may try another card on the page while the link is valid.
        link.status = "open" if link.status != "expired" else "expired"
        link.last_failure_code = topup.failure_code
        link.last_failure_message = topup.failure_message
    else:
        link.status = "paying"  # 3-D Secure: the page asks the person to confirm
        return
    await emit_link(session, link, topup)
