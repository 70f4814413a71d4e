"""What the payment screen shows while a bank asks to confirm a payment (3-D Secure): where to
confirm it, or on the built-in server how to answer as its bank; and what leaving then means."""

from __future__ import annotations

from credits_client.api.models import Topup
from credits_core.money import format_money
from screens.format import clean
from screens.link_and_code import LinkAndCode

LEAVE = "Press esc to stop waiting: the payment stays safe, added only if confirmed."


class BankWait(LinkAndCode):
    """The bank's link and its QR code, or the sandbox bank's keys, with how to stop waiting."""

    def show_topup(self, topup: Topup, *, embedded: bool) -> None:
        if embedded:
            # Its links point into the app's own server: no browser or phone can open them.
            self.show(
                "Sandbox bank (the built-in test server)",
                "A real bank would now ask you to confirm this payment on its own page. The "
                "built-in server has no real bank: answer as its bank here, y to approve or "
                f"n to decline.\n\n{LEAVE}",
                code=False,
            )
            return
        self.show(
            clean(topup.action_url or ""),
            "Your bank asks you to confirm this payment. Open the link above, or scan this "
            f"code with your phone.\n\nThis screen waits for the answer. {LEAVE}",
        )


def left_with_bank(topup: Topup) -> str:
    """What the person is told on leaving a payment with its bank."""
    return (
        f"Stopped waiting. {format_money(topup.amount, topup.currency)} is added if "
        "your bank confirms; you will be told either way."
    )
