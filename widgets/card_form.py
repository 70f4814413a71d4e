"""A new card typed in: number, expiry, CVC, name, with errors per field."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Static

from credits_client.api.models import CardInput
from credits_core.cards import UNKNOWN
from widgets.card_cvc import CvcInput
from widgets.card_expiry import ExpiryInput
from widgets.card_number import CardNumberInput

FIELDS = ("number", "expiry", "cvc", "name")
LABELS = {"number": "Card number", "expiry": "Expiry", "cvc": "CVC", "name": "Name"}
# Server field names (CardInput) mapped onto ours.
SERVER_FIELDS = {"number": "number", "exp_month": "expiry", "exp_year": "expiry", "cvc": "cvc"}


class CardForm(Vertical):
    """Reads what was typed into a CardInput, or says per field why it cannot."""

    DEFAULT_CSS = """
    CardForm { height: auto; }
    CardForm Horizontal { height: 1; margin-bottom: 1; }
    CardForm Label { width: 14; }
    CardForm #number { width: 24; }
    CardForm #brand { width: 1fr; padding-left: 2; }
    CardForm #expiry { width: 7; }
    CardForm #cvc-label { width: 7; padding-left: 2; }
    CardForm #cvc { width: 15; }
    CardForm #name { width: 1fr; }
    CardForm #card-errors { height: auto; color: $text-error; }
    """

    def __init__(self, today: Callable[[], date], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._today = today

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Label("Card number")
            yield CardNumberInput(id="number", compact=True)
            yield Static(id="brand", markup=False)
        with Horizontal():
            yield Label("Expiry MM/YY")
            yield ExpiryInput(id="expiry", today=self._today, compact=True)
            yield Label("CVC", id="cvc-label")
            yield CvcInput(id="cvc", placeholder="3 or 4 digits", compact=True)
        with Horizontal():
            yield Label("Name on card")
            yield Input(placeholder="As printed on the card", id="name", compact=True)
        yield Static(id="card-errors", markup=False)

    @on(CardNumberInput.BrandChanged)
    def _brand(self, event: CardNumberInput.BrandChanged) -> None:
        self.query_one("#brand", Static).update("" if event.brand is UNKNOWN else event.brand.name)
        self.query_one("#cvc", CvcInput).brand = event.brand

    def focus_first(self) -> None:
        self.query_one("#number", Input).focus()

    def has_input(self) -> bool:
        return any(self.query_one(f"#{name}", Input).value for name in FIELDS)

    def clear_cvc(self) -> None:
        cvc = self.query_one("#cvc", Input)
        cvc.clear()
        cvc.focus()

    def show_field_errors(self, errors: dict[str, str]) -> None:
        lines = [f"{LABELS.get(SERVER_FIELDS.get(f, f), f)}: {text}" for f, text in errors.items()]
        self.query_one("#card-errors", Static).update("\n".join(lines))

    def card(self) -> CardInput | None:
        """The typed card, or None after showing what is wrong with it."""
        number = self.query_one("#number", CardNumberInput)
        expiry = self.query_one("#expiry", ExpiryInput)
        cvc = self.query_one("#cvc", CvcInput)
        errors = {
            name: problem
            for name, problem in (
                ("number", number.problem),
                ("expiry", expiry.problem),
                ("cvc", cvc.problem),
            )
            if problem is not None
        }
        self.show_field_errors(errors)
        if errors or expiry.month is None or expiry.year is None:
            return None
        return CardInput(
            number=number.digits,
            exp_month=expiry.month,
            exp_year=expiry.year,
            cvc=cvc.value,
            name=self.query_one("#name", Input).value.strip(),
        )
