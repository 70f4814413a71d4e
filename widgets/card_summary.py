"""A saved card in one line: "Visa •••• 4242  exp 12/34"; never more of the number than last4."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Static

from credits_core.cards import card_label, expiry_text
from widgets.glyphs import use_ascii

if TYPE_CHECKING:
    # Types only: the widgets load with the login screen, before pydantic is needed.
    from credits_client.api.models import PaymentMethod


def describe_card(
    card: PaymentMethod,
    *,
    expiry: bool = True,
    today: date | None = None,
    ascii_only: bool = False,
) -> str:
    """`Visa •••• 4242  exp 12/34` (ASCII: `Visa **** 4242  exp 12/34`).

    `expiry=False` leaves the date out (for sentences such as "add $50.00 using Visa •••• 4242").
    With `today`, a card past its expiry month says "expired 12/24" instead of "exp".
    """
    text = card_label(card.brand, card.last4, ascii_only=ascii_only)
    if not expiry:
        return text
    expired = today is not None and (card.exp_year, card.exp_month) < (today.year, today.month)
    return f"{text}  {'expired' if expired else 'exp'} {expiry_text(card.exp_month, card.exp_year)}"


class CardSummary(Static):
    """One saved card, or "No card on file"; the holder's name is never shown here."""

    DEFAULT_CSS = """
    CardSummary {
        height: 1;
        width: auto;
        &.-none { color: $text-muted; }
    }
    """

    card: PaymentMethod | None = None
    """The card shown, or None."""

    def __init__(
        self,
        card: PaymentMethod | None = None,
        *,
        empty: str = "No card on file",
        today: date | None = None,
        ascii_only: bool | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """A card summary.

        Args:
            card: The card to show, or None.
            empty: The words when there is no card.
            today: The date an expiry is judged against (None: not judged).
            ascii_only: ASCII dots; None: the app's `ascii` setting.
        """
        super().__init__("", markup=False, name=name, id=id, classes=classes)
        self._empty = empty
        self._today = today
        self._ascii = use_ascii(self, ascii_only)
        self.update_card(card)

    def update_card(self, card: PaymentMethod | None) -> None:
        """Show another card (or none); the same card again repaints nothing."""
        if card == self.card and self.is_mounted:
            return
        self.card = card
        if card is None:
            self.update(Text(self._empty))
        else:
            self.update(Text(describe_card(card, today=self._today, ascii_only=self._ascii)))
        self.set_class(card is None, "-none")
