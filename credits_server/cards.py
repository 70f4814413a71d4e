"""Card checks done before any gateway call: Luhn, expiry, CVC, brand. Nothing here is stored."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

from credits_server.errors import FieldProblem, invalid

_BRANDS: list[tuple[str, re.Pattern[str]]] = [
    ("amex", re.compile(r"^3[47]")),
    ("diners", re.compile(r"^3(?:0[0-5]|[68])")),
    ("jcb", re.compile(r"^35(?:2[89]|[3-8])")),
    ("unionpay", re.compile(r"^62")),
    ("discover", re.compile(r"^6(?:011|5|4[4-9])")),
    ("mastercard", re.compile(r"^(?:5[1-5]|2(?:2[2-9]|[3-6]\d|7[01]|720))")),
    ("visa", re.compile(r"^4")),
]


def luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def detect_brand(digits: str) -> str:
    return next((brand for brand, pattern in _BRANDS if pattern.match(digits)), "unknown")


@dataclass(frozen=True, slots=True)
class CardDetails:
    """A card as typed, checked. `repr` hides the number and CVC so a log line cannot leak them."""

    number: str = field(repr=False)
    exp_month: int
    exp_year: int
    cvc: str = field(repr=False)
    name: str
    brand: str

    @property
    def last4(self) -> str:
        return self.number[-4:]


def check_card(
    number: str,
    exp_month: int,
    exp_year: int,
    cvc: str,
    name: str,
    *,
    prefix: str = "",
    now: datetime | None = None,
) -> CardDetails:
    """The card, or a 422 validation_error naming each bad field (`prefix` for nested objects)."""
    now = now or datetime.now(UTC)
    problems: list[FieldProblem] = []
    digits = re.sub(r"[\s-]", "", number)
    if not digits.isascii() or not digits.isdigit() or not 12 <= len(digits) <= 19:
        problems.append(
            FieldProblem(f"{prefix}number", "invalid_number", "Enter the 12 to 19 digits.")
        )
    elif not luhn_ok(digits):
        problems.append(
            FieldProblem(f"{prefix}number", "invalid_number", "This card number is not valid.")
        )
    if exp_year < 100:
        exp_year += 2000
    if not 1 <= exp_month <= 12:
        problems.append(FieldProblem(f"{prefix}exp_month", "invalid_expiry", "Month is 1 to 12."))
    elif (exp_year, exp_month) < (now.year, now.month):
        problems.append(FieldProblem(f"{prefix}exp_year", "expired", "This card has expired."))
    elif exp_year > now.year + 30:
        problems.append(FieldProblem(f"{prefix}exp_year", "invalid_expiry", "Check the year."))
    if not (cvc.isascii() and cvc.isdigit() and 3 <= len(cvc) <= 4):
        problems.append(FieldProblem(f"{prefix}cvc", "invalid_cvc", "The CVC is 3 or 4 digits."))
    if problems:
        raise invalid(problems, "The card details are not valid.")
    return CardDetails(digits, exp_month, exp_year, cvc, name.strip()[:200], detect_brand(digits))
