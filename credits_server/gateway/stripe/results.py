"""Stripe's PaymentIntents and errors read as the service's `ChargeResult`s."""

from __future__ import annotations

from typing import Any

from credits_core.declines import DECLINES
from credits_server.gateway.base import ChargeResult


class StillProcessing(Exception):
    """Stripe has not decided yet (`processing`): the top-up stays `processing` and is settled
    later, by the webhook or by reconciliation."""


# Stripe's codes that we name otherwise.
_OURS = {"payment_intent_authentication_failure": "authentication_failed"}


def failure_code(code: str | None, decline_code: str | None) -> str:
    """Stripe's `code` and `decline_code` as one of our failure codes: a generic decline stays
    `card_declined`, a specific one (`insufficient_funds`) is kept when we have words for it."""
    if code == "card_declined" and decline_code in DECLINES:
        return str(decline_code)
    found = code or decline_code or "processing_error"
    return _OURS.get(found, found)


def result_of(intent: Any) -> ChargeResult:
    """The charge as the PaymentIntent stands now."""
    status = intent["status"]
    if status == "succeeded":
        return ChargeResult(intent["id"], "succeeded")
    if status == "requires_action":
        return ChargeResult(intent["id"], "requires_action", action_url=action_url(intent))
    if status in ("requires_payment_method", "canceled"):
        error = intent.get("last_payment_error") or {}
        code = failure_code(error.get("code"), error.get("decline_code"))
        return ChargeResult(intent["id"], "failed", code)
    raise StillProcessing(intent["id"])


def action_url(intent: Any) -> str | None:
    action = intent.get("next_action") or {}
    redirect = action.get("redirect_to_url") or {}
    url = redirect.get("url")
    return str(url) if url else None
