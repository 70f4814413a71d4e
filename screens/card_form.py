"""The new-card part of the payment screen: number, expiry, CVC, name, with errors per field."""

from __future__ import annotations

from datetime import date

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Static

from tui.api.models import CardInput

FIELDS = ("number", "expiry", "cvc", "name")


def luhn_ok(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


class CardForm(Vertical):
    """Reads what was typed into a CardInput, or says per field why it cannot."""

    DEFAULT_CSS = """
    CardForm { height: auto; }
    CardForm Horizontal { height: 1; margin-bottom: 1; }
    CardForm Label { width: 14; }
    CardForm #number { width: 24; }
    CardForm #expiry { width: 7; }
    CardForm #cvc { width: 6; }
    CardForm #name { width: 1fr; }
    CardForm .gap { width: 2; }
    CardForm #card-errors { height: auto; color: $text-error; }
    """

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Label("Card number")
            yield Input(
                placeholder="1234 5678 9012 3456",
                restrict=r"[0-9 ]*",
                max_length=23,
                id="number",
                compact=True,
            )
        with Horizontal():
            yield Label("Expiry MM/YY")
            yield Input(
                placeholder="MM/YY", restrict=r"[0-9/]*", max_length=5, id="expiry", compact=True
            )
            yield Label("  CVC", classes="gap")
            yield Label("", classes="gap")
            yield Input(
                placeholder="123",
                password=True,
                restrict=r"[0-9]*",
                max_length=4,
                id="cvc",
                compact=True,
            )
        with Horizontal():
            yield Label("Name on card")
            yield Input(placeholder="As printed on the card", id="name", compact=True)
        yield Static(id="card-errors", markup=False)

    def focus_first(self) -> None:
        self.query_one("#number", Input).focus()

    def has_input(self) -> bool:
        return any(self.query_one(f"#{name}", Input).value for name in FIELDS)

    def clear_cvc(self) -> None:
        cvc = self.query_one("#cvc", Input)
        cvc.value = ""
        cvc.focus()

    def show_field_errors(self, errors: dict[str, str]) -> None:
        lines = [
            f"{field.replace('_', ' ').capitalize()}: {text}" for field, text in errors.items()
        ]
        self.query_one("#card-errors", Static).update("\n".join(lines))

    def card(self, today: date) -> CardInput | None:
        """The typed card, or None after showing what is wrong with it."""
        value = {name: self.query_one(f"#{name}", Input).value.strip() for name in FIELDS}
        digits = value["number"].replace(" ", "")
        errors: dict[str, str] = {}
        if not 12 <= len(digits) <= 19 or not luhn_ok(digits):
            errors["number"] = "this is not a valid card number; check the digits."
        month = year = 0
        parts = value["expiry"].split("/")
        if len(parts) == 2 and parts[0].isdigit() and parts[1].isdigit():
            month, year = int(parts[0]), 2000 + int(parts[1])
        if not 1 <= month <= 12:
            errors["expiry"] = "use MM/YY, like 04/29."
        elif (year, month) < (today.year, today.month):
            errors["expiry"] = "this card has expired."
        if not 3 <= len(value["cvc"]) <= 4:
            errors["cvc"] = "3 or 4 digits, on the back of the card."
        self.show_field_errors(errors)
        if errors:
            return None
        return CardInput(
            number=digits,
            exp_month=month,
            exp_year=year,
            cvc=value["cvc"],
            name=value["name"],
        )
