"""The notification kinds a target may want, shared by the app and the server: each is the type
of the account event it reports, so an event becomes a message by its type alone."""

from __future__ import annotations

CHOOSABLE = (
    "low_balance",
    "auto_recharge.succeeded",
    "auto_recharge.failed",
    "auto_recharge.disabled",
    "topup.succeeded",
    "support_request.received",
    "support.answered",
    "payment_method.saved",
    "payment_method.removed",
)
"""In the order the app lists them."""

TARGET_DISABLED = "notifications.target_disabled"
"""A target of the account was switched off: every email target is told, whatever it chose."""

TEST = "notifications.test"
"""The "send a test" message: only to the target it was asked for."""

INVITATION = "team.invitation"
"""An invitation to join an account, emailed to the invitee alone (never a choosable event)."""

LABELS = {
    "low_balance": "Low balance",
    "auto_recharge.succeeded": "Recharge receipt",
    "auto_recharge.failed": "Recharge failed",
    "auto_recharge.disabled": "Recharge switched off",
    "topup.succeeded": "Top-up receipt",
    "support_request.received": "Support request",
    "support.answered": "Support answer",
    "payment_method.saved": "Card saved",
    "payment_method.removed": "Card removed",
}
"""What the app calls each kind (short: they sit beside the targets at 80 columns)."""

DEFAULT = ("low_balance", "auto_recharge.failed", "auto_recharge.disabled")


def wanted_by(kinds: list[str], channel: str, kind: str) -> bool:
    """Whether a target with these chosen `kinds` on `channel` gets a message of `kind`."""
    if kind == TARGET_DISABLED:
        return channel == "email"
    return kind in kinds
