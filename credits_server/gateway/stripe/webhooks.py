"""Stripe's webhook deliveries read as the service's `GatewayEvent`s: the signature checked by the
SDK (`stripe.Webhook.construct_event`, five minutes' tolerance), then the types we act on."""

from __future__ import annotations

import json
from typing import Any

import stripe

from credits_server.gateway.events import BadSignature, GatewayEvent

TOLERANCE_SECONDS = 300
SETTLING = ("payment_intent.succeeded", "payment_intent.payment_failed", "payment_intent.canceled")


def verified(payload: bytes, signature: str | None, secret: str) -> dict[str, Any]:
    """The event as sent, once the SDK has checked that Stripe signed it within the tolerance."""
    if not secret or not signature:
        raise BadSignature
    try:
        stripe.Webhook.construct_event(payload, signature, secret, tolerance=TOLERANCE_SECONDS)
    except (stripe.SignatureVerificationError, ValueError):
        raise BadSignature from None
    event: dict[str, Any] = json.loads(payload)
    return event


def read(event: dict[str, Any]) -> GatewayEvent:
    """What the event means to us; `topup_id` from the PaymentIntent's metadata when it has it
    (a refund's or dispute's is looked up from the PaymentIntent by the gateway)."""
    event_id = str(event["id"])
    type_ = event.get("type")
    obj: dict[str, Any] = (event.get("data") or {}).get("object") or {}
    if type_ in SETTLING:
        topup_id = (obj.get("metadata") or {}).get("topup_id")
        return GatewayEvent(event_id, "payment_settled", obj.get("id"), topup_id)
    if type_ == "checkout.session.completed":
        link_id = (obj.get("metadata") or {}).get("payment_link_id")
        return GatewayEvent(event_id, "checkout_completed", obj.get("id"), payment_link_id=link_id)
    if type_ == "charge.refunded":
        amount = int(obj.get("amount_refunded") or 0)
        return GatewayEvent(event_id, "refunded", obj.get("payment_intent"), amount=amount)
    if type_ == "charge.dispute.created":
        reason = str(obj.get("reason") or "")
        amount = int(obj.get("amount") or 0)
        return GatewayEvent(
            event_id, "disputed", obj.get("payment_intent"), amount=amount, reason=reason
        )
    return GatewayEvent(event_id, "ignored")
