"""Card-number rules with no UI: brand from the prefix, digit grouping, lengths and the Luhn check.

Only used to help a person type; the server checks the card again and the gateway decides.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_DIGITS = 19


@dataclass(frozen=True)
class Brand:
    """What the digits tell about a card before it reaches the gateway."""

    code: str
    """The brand as the API names it (`visa`, `amex`, ... `unknown`)."""
    name: str
    """The brand as a person reads it."""
    lengths: tuple[int, ...]
    """How many digits a complete number of this brand has."""
    groups: tuple[int, ...]
    """How the digits are grouped when shown; the last group takes what is left."""
    cvc_length: int = 3
    short_name: str = ""
    """A name for tight places ("Amex"); the name when empty."""

    @property
    def label(self) -> str:
        """The short name if there is one, else the name."""
        return self.short_name or self.name


_FOUR = (4, 4, 4, 4, 3)
VISA = Brand("visa", "Visa", (13, 16, 19), _FOUR)
MASTERCARD = Brand("mastercard", "Mastercard", (16,), _FOUR)
AMEX = Brand("amex", "American Express", (15,), (4, 6, 5), cvc_length=4, short_name="Amex")
DISCOVER = Brand("discover", "Discover", (16, 17, 18, 19), _FOUR)
DINERS = Brand("diners", "Diners Club", (14, 15, 16, 17, 18, 19), (4, 6, 9))
JCB = Brand("jcb", "JCB", (16, 17, 18, 19), _FOUR)
UNIONPAY = Brand("unionpay", "UnionPay", (16, 17, 18, 19), _FOUR)
UNKNOWN = Brand("unknown", "Card", tuple(range(12, MAX_DIGITS + 1)), _FOUR)

BRANDS = {b.code: b for b in (VISA, MASTERCARD, AMEX, DISCOVER, DINERS, JCB, UNIONPAY, UNKNOWN)}

# (first digits as a number range, how many digits the range covers, brand), most specific first.
_PREFIXES: tuple[tuple[int, int, int, Brand], ...] = (
    (622126, 622925, 6, DISCOVER),
    (2221, 2720, 4, MASTERCARD),
    (3528, 3589, 4, JCB),
    (6011, 6011, 4, DISCOVER),
    (300, 305, 3, DINERS),
    (644, 649, 3, DISCOVER),
    (51, 55, 2, MASTERCARD),
    (34, 34, 2, AMEX),
    (37, 37, 2, AMEX),
    (36, 36, 2, DINERS),
    (38, 39, 2, DINERS),
    (65, 65, 2, DISCOVER),
    (62, 62, 2, UNIONPAY),
    (4, 4, 1, VISA),
)


def only_digits(text: str) -> str:
    """The ASCII digits of `text`, in order (spaces and dashes people type are dropped)."""
    return "".join(c for c in text if "0" <= c <= "9")


def detect_brand(digits: str) -> Brand:
    """The brand the first digits point to; UNKNOWN until they are enough to tell."""
    for low, high, width, brand in _PREFIXES:
        if len(digits) >= width and low <= int(digits[:width]) <= high:
            return brand
    return UNKNOWN


def group_digits(digits: str, brand: Brand | None = None) -> str:
    """`4242424242424242` -> `4242 4242 4242 4242`; Amex 4-6-5."""
    groups = (brand or detect_brand(digits)).groups
    parts: list[str] = []
    start = 0
    for index, size in enumerate(groups):
        end = len(digits) if index == len(groups) - 1 else start + size
        if start >= len(digits):
            break
        parts.append(digits[start:end])
        start = end
    return " ".join(parts)


def luhn_ok(digits: str) -> bool:
    """The Luhn (mod 10) check every card number carries in its last digit."""
    if not digits or not digits.isascii() or not digits.isdigit():
        return False
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def card_number_problem(digits: str) -> str | None:
    """Why these digits cannot be a card number, in plain words; None when they can."""
    if not digits:
        return "Enter the card number."
    brand = detect_brand(digits)
    a_brand = f"{'an' if brand.name[0] in 'AEIOU' else 'a'} {brand.name}"
    if len(digits) < min(brand.lengths):
        return f"The number is too short for {a_brand} card."
    if len(digits) > max(brand.lengths):
        return f"The number is too long for {a_brand} card."
    if len(digits) not in brand.lengths:
        *most, last = map(str, brand.lengths)
        return f"{a_brand[0].upper()}{a_brand[1:]} number has {', '.join(most)} or {last} digits."
    if not luhn_ok(digits):
        return "That card number is not valid: check the digits."
    return None
