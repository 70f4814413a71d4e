"""Typed errors from the store turned into words a person can act on."""

from __future__ import annotations

import math
from collections.abc import Collection
from typing import TYPE_CHECKING

from textual.notifications import SeverityLevel

from credits_client.api.errors import (
    ApiError,
    Conflict,
    InvalidCredentials,
    RateLimited,
    ServerUnreachable,
    SessionExpired,
)
from credits_core.declines import decline_text
from credits_core.money import format_money
from screens.format import clean

if TYPE_CHECKING:
    from credits_client.api.models import Event

UNREACHABLE = "The credits server cannot be reached. Check the connection and try again."


def describe_error(error: BaseException) -> tuple[str, str]:
    """A (title, message) pair for a notification or an inline error line."""
    if isinstance(error, ServerUnreachable):
        return "Offline", UNREACHABLE
    if isinstance(error, InvalidCredentials):
        return "Sign-in failed", "Wrong email or password."
    if isinstance(error, RateLimited):
        return "Too many attempts", f"Try again in {wait_text(error.retry_after)}."
    if isinstance(error, SessionExpired):
        return "Signed out", "Your session ended. Sign in again; nothing you typed is lost."
    if isinstance(error, Conflict):
        return "Changed elsewhere", "These settings were changed elsewhere; reloaded."
    if isinstance(error, ApiError):
        return "Not done", clean(error.message)
    return "Unexpected error", f"Something went wrong ({type(error).__name__}). Please try again."


def wait_text(seconds: float) -> str:
    """`75` -> "1 min 15 s": a countdown a person reads at a glance."""
    whole = max(0, math.ceil(seconds))
    minutes, secs = divmod(whole, 60)
    if minutes and secs:
        return f"{minutes} min {secs} s"
    if minutes:
        return f"{minutes} min"
    return f"{secs} s"


def describe_event(
    event: Event, *, left_with_bank: Collection[str] = ()
) -> tuple[str, str, SeverityLevel] | None:
    """A notification for a server event worth interrupting for; None for the others. A top-up's
    outcome is news only for one the person stopped waiting for (`left_with_bank`): the payment
    screen says the others itself."""
    data = event.data
    topup = data.get("topup")
    if event.type == "payment_link.updated":
        return _link_news(data, left_with_bank)
    if event.type in ("topup.succeeded", "topup.failed") and isinstance(topup, dict):
        if topup.get("id") not in left_with_bank:
            return None
        paid = format_money(int(topup.get("amount") or 0), str(topup.get("currency") or "USD"))
        if event.type == "topup.succeeded":
            return "Payment done", f"Your bank confirmed it: {paid} added.", "information"
        why = decline_text(str(topup.get("failure_code") or ""))
        return "Payment declined", f"{paid} was not added. {why}", "error"
    currency = str(data.get("currency") or "USD")
    amount = data.get("amount")
    money = format_money(amount, currency) if isinstance(amount, int) else "credits"
    if event.type == "auto_recharge.succeeded":
        return "Auto-recharge", f"Added {money} automatically.", "information"
    if event.type == "auto_recharge.failed":
        why = decline_text(str(data.get("failure_code") or ""))
        return "Auto-recharge failed", f"Could not add {money}. {why}", "error"
    if event.type == "support.answered":
        reference = clean(str(data.get("reference") or ""))
        return f"Support answered {reference}", clean(str(data.get("answer") or "")), "information"
    if event.type == "auto_recharge.disabled":
        reason = str(data.get("reason") or "it was turned off")
        return "Auto-recharge is off", clean(reason), "warning"
    if event.type == "notifications.target_disabled":
        address = clean(str(data.get("address") or "a target"))
        why = f"{address} failed for days. See Notifications (n) to switch it on again."
        return "Notifications switched off", why, "warning"
    return None


def _link_news(
    link: dict[str, object], left: Collection[str]
) -> tuple[str, str, SeverityLevel] | None:
    """A payment link's outcome, for one whose screen the person left (that screen says it)."""
    if link.get("id") not in left:
        return None
    currency = str(link.get("currency") or "USD")
    amount = link.get("amount")
    paid = format_money(amount if isinstance(amount, int) else 0, currency)
    if link.get("status") == "paid":
        topup = link.get("topup")
        after = topup.get("balance_after") if isinstance(topup, dict) else None
        balance = f", new balance {format_money(after, currency)}" if isinstance(after, int) else ""
        return "Payment done", f"Paid on the secure page: {paid} added{balance}.", "information"
    if link.get("status") == "expired":
        return "Payment link expired", f"{paid} was not paid; nothing was charged.", "warning"
    return None
