"""What can be wrong with a card as typed, in plain words, named by field and code.

The app shows `message` under the field as a person types; the server answers the same
problems as a 422 with `field` and `code`. Both ask these functions, so a number the app accepts
is a number the server accepts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from credits_core.cards import (
    MAX_DIGITS,
    MIN_DIGITS,
    UNKNOWN,
    Brand,
    detect_brand,
    is_digits,
    luhn_ok,
)

CardField = Literal["number", "exp_month", "exp_year", "cvc"]

# No network issues cards valid for more than about ten years (most for three to five). Twenty
# years is twice that, so no real card is refused, yet a year typed a few decades off (2062 for
# 2026) still is; thirty would let more of those through for no card that needs it. The app's
# two-digit year reaches 2099, so this limit, not the field, refuses a year too far ahead.
LATEST_YEARS_AHEAD = 20


@dataclass(frozen=True, slots=True)
class CardProblem:
    """One thing wrong with a card: the field, a stable code for programs, words for a person."""

    field: CardField
    code: str
    message: str


def _a(name: str) -> str:
    return f"{'an' if name[0] in 'AEIOU' else 'a'} {name}"


def _either(lengths: tuple[int, ...]) -> str:
    *most, last = map(str, lengths)
    return f"{', '.join(most)} or {last}" if most else last


def number_problem(digits: str) -> CardProblem | None:
    """Why `digits` cannot be a card number (None when it can): brand length, then Luhn."""

    def problem(message: str) -> CardProblem:
        return CardProblem("number", "invalid_number", message)

    if not digits:
        return problem("Enter the card number.")
    if not is_digits(digits):
        return problem("A card number has only digits.")
    brand = detect_brand(digits)
    if brand is UNKNOWN and not MIN_DIGITS <= len(digits) <= MAX_DIGITS:
        return problem(f"A card number has {MIN_DIGITS} to {MAX_DIGITS} digits.")
    if len(digits) < min(brand.lengths):
        return problem(f"The number is too short for {_a(brand.name)} card.")
    if len(digits) > max(brand.lengths):
        return problem(f"The number is too long for {_a(brand.name)} card.")
    if len(digits) not in brand.lengths:
        a_brand = _a(brand.name)
        lengths = _either(brand.lengths)
        return problem(f"{a_brand[0].upper()}{a_brand[1:]} number has {lengths} digits.")
    if not luhn_ok(digits):
        return problem("That card number is not valid: check the digits.")
    return None


def full_year(year: int) -> int:
    """A card's year as four digits: `34` is 2034 (cards print two)."""
    return year + 2000 if 0 <= year < 100 else year


def expiry_problem(month: int, year: int, today: date) -> CardProblem | None:
    """Why a card with this expiry cannot pay `today` (None when it can); `year` may be 2 digits."""
    year = full_year(year)
    if not 1 <= month <= 12:
        return CardProblem("exp_month", "invalid_expiry", "The month must be 01 to 12.")
    if (year, month) < (today.year, today.month):
        return CardProblem("exp_year", "expired", "This card has expired.")
    if year > today.year + LATEST_YEARS_AHEAD:
        return CardProblem("exp_year", "invalid_expiry", "Check the year: it is too far ahead.")
    return None


def cvc_problem(cvc: str, brand: Brand) -> CardProblem | None:
    """Why `cvc` cannot be this brand's security code (None when it can)."""

    def problem(message: str) -> CardProblem:
        return CardProblem("cvc", "invalid_cvc", message)

    if not cvc:
        return problem("Enter the security code (CVC).")
    if not is_digits(cvc) or len(cvc) not in brand.cvc_lengths:
        whose = "The security code" if brand is UNKNOWN else "The security code of this card"
        return problem(f"{whose} has {_either(brand.cvc_lengths)} digits.")
    return None
