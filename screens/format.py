"""Short texts several screens share: card labels and the auto-recharge sentence."""

from __future__ import annotations

from typing import TYPE_CHECKING

from credits_core.cards import card_label as _card_label
from credits_core.cards import expiry_text
from credits_core.money import format_money
from screens.safe_text import clean as clean  # the screens' one import for short texts

if TYPE_CHECKING:
    # Types only: the login screen imports this module, and pydantic can wait until after it paints.
    from credits_client.api.models import (
        AutoRecharge,
        AutoRechargeUpdate,
        PaymentMethod,
        Transaction,
    )

KINDS = {
    "topup": "Top-up",
    "auto_recharge": "Auto-recharge",
    "usage": "Usage",
    "adjustment": "Adjustment",
    "refund": "Refund",
}


def card_label(method: PaymentMethod | None) -> str:
    """ "Visa •••• 4242", or "no card" when there is none."""
    if method is None:
        return "no card"
    return _card_label(method.brand, method.last4)


def card_expiry(method: PaymentMethod) -> str:
    """ "12/34", as printed on the card."""
    return expiry_text(method.exp_month, method.exp_year)


def recharge_summary(
    settings: AutoRecharge | AutoRechargeUpdate, method: PaymentMethod | None, currency: str
) -> str:
    """The dashboard's one line: "On: below $20.00 add $50.00, Visa •••• 4242" or "Off: why"."""
    if not settings.enabled:
        reason = getattr(settings, "disabled_reason", None)
        return f"Off: {clean(reason)}" if reason else "Off"
    below = format_money(settings.threshold, currency)
    return f"On: below {below} {_action(settings, currency)}, {card_label(method)}"


def recharge_sentence(
    settings: AutoRecharge | AutoRechargeUpdate,
    method: PaymentMethod | None,
    currency: str,
    backup: PaymentMethod | None = None,
) -> str:
    """The auto-recharge screen's live sentence, in full words: when, how much, which cards,
    and the limits."""
    below = format_money(settings.threshold, currency)
    using = f"using {card_label(method)}" if method is not None else "(add a card first)"
    if method is not None:
        using += f", or {card_label(backup)} if it is declined" if backup else " (no backup card)"
    sentence = (
        f"When your balance falls below {below}, {_action(settings, currency)} {using}. "
        f"{_limits(settings, currency)}."
    )
    return sentence if settings.enabled else f"Off. If turned on: {sentence}"


def _limits(settings: AutoRecharge | AutoRechargeUpdate, currency: str) -> str:
    count = settings.daily_limit
    if count is None:
        daily = "At most the server's usual number of recharges a day"
    else:
        daily = f"At most {count} recharge{'' if count == 1 else 's'} a day"
    cap = settings.monthly_cap
    if cap is None:
        return f"{daily}, with no monthly cap"
    return f"{daily} and {format_money(cap, currency)} a month"


def _action(settings: AutoRecharge | AutoRechargeUpdate, currency: str) -> str:
    if settings.mode == "top_up_to" and settings.target is not None:
        return f"top up to {format_money(settings.target, currency)}"
    return f"add {format_money(settings.amount, currency)}"


def signed_money(transaction: Transaction, currency: str) -> str:
    """ "+$50.00" for credits, "-$0.12" for usage: the sign is in the text, not only the colour."""
    text = format_money(transaction.amount, currency)
    return f"+{text}" if transaction.amount > 0 else text
