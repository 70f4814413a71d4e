"""Why a payment failed, in words a card holder can act on, by the gateway's or service's code.

The server puts these words in a top-up's `failure_message`; the app uses them for events that
carry only a `failure_code` (an auto-recharge that failed while nobody was paying).
"""

from __future__ import annotations

DECLINES: dict[str, str] = {
    # The gateway's decline codes (Stripe's names).
    "card_declined": "The card was declined.",
    "insufficient_funds": "The card has insufficient funds.",
    "expired_card": "The card has expired.",
    "incorrect_cvc": "The card's security code is incorrect.",
    "processing_error": "The card could not be processed. Try again in a moment.",
    "authentication_failed": "The bank did not confirm the payment.",
    "authentication_expired": "The bank's confirmation was not answered in time.",
    # The service's own reasons for an auto-recharge that was not charged.
    "authentication_required": "The bank asked for authentication, which needs the card holder.",
    "daily_limit_reached": "Today's auto-recharge limit is reached.",
    "monthly_cap_reached": "This month's auto-recharge cap is reached.",
}

DID_NOT_GO_THROUGH = "The payment did not go through."
"""The words for a code this table does not know (a gateway may add codes at any time)."""


def decline_text(code: str) -> str:
    """The sentence for a failure code; a general one for a code not in the table."""
    return DECLINES.get(code, DID_NOT_GO_THROUGH)
