"""Card brands from the number's first digits, the Luhn check, and how a card is shown.

The prefix ranges are the networks' own (Visa, Mastercard, American Express, Discover with the
China UnionPay co-branded range, Diners Club, JCB, UnionPay). A brand here only helps a person
type and read; the gateway decides whether a card is accepted.
"""

from __future__ import annotations

from dataclasses import dataclass

MIN_DIGITS = 12
MAX_DIGITS = 19


@dataclass(frozen=True, slots=True)
class Brand:
    """What the digits tell about a card before it reaches the gateway."""

    code: str
    """The brand as the API names it (`visa`, `amex`, ... `unknown`)."""
    name: str
    """The brand as a person reads it ("American Express")."""
    lengths: tuple[int, ...]
    """How many digits a complete number of this brand has."""
    groups: tuple[int, ...]
    """How the digits are grouped when shown; the last group takes what is left."""
    cvc_lengths: tuple[int, ...] = (3,)
    """How many digits the security code has."""
    short_name: str = ""
    """A name for tight places ("Amex"); the name when empty."""

    @property
    def label(self) -> str:
        """The short name if there is one, else the name."""
        return self.short_name or self.name


_FOUR = (4, 4, 4, 4, 3)
VISA = Brand("visa", "Visa", (13, 16, 19), _FOUR)
MASTERCARD = Brand("mastercard", "Mastercard", (16,), _FOUR)
AMEX = Brand("amex", "American Express", (15,), (4, 6, 5), (4,), short_name="Amex")
DISCOVER = Brand("discover", "Discover", (16, 17, 18, 19), _FOUR)
DINERS = Brand("diners", "Diners Club", (14, 15, 16, 17, 18, 19), (4, 6, 9))
JCB = Brand("jcb", "JCB", (16, 17, 18, 19), _FOUR)
UNIONPAY = Brand("unionpay", "UnionPay", (16, 17, 18, 19), _FOUR)
# Until the first digits tell: any length a card number may have, either security code length.
UNKNOWN = Brand("unknown", "Card", tuple(range(MIN_DIGITS, MAX_DIGITS + 1)), _FOUR, (3, 4))

BRANDS = {b.code: b for b in (VISA, MASTERCARD, AMEX, DISCOVER, DINERS, JCB, UNIONPAY, UNKNOWN)}
"""Every brand by its API code."""

# (first digits as a number range, how many digits the range covers, brand). The first match
# wins, so a narrow range sits before the wide one it is carved from: Discover's 622126-622925
# (cards co-branded with China UnionPay, routed on Discover's network abroad) before UnionPay's 62.
_PREFIXES: tuple[tuple[int, int, int, Brand], ...] = (
    (622126, 622925, 6, DISCOVER),
    (2221, 2720, 4, MASTERCARD),
    (3528, 3589, 4, JCB),
    (6011, 6011, 4, DISCOVER),
    (3095, 3095, 4, DINERS),
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


def is_digits(text: str) -> bool:
    """True when `text` is one or more ASCII digits (Unicode digits are not what a card has)."""
    return text.isascii() and text.isdigit()


def detect_brand(digits: str) -> Brand:
    """The brand the first digits point to; UNKNOWN until they are enough to tell.

    A prefix that is still too short for a narrower range gives the wider brand for now: `6221`
    is UnionPay until the sixth digit shows whether it falls in Discover's 622126-622925.
    """
    for low, high, width, brand in _PREFIXES:
        first = digits[:width]
        if len(first) == width and is_digits(first) and low <= int(first) <= high:
            return brand
    return UNKNOWN


def brand_of(code: str) -> Brand:
    """The brand an API code names (any case); UNKNOWN for a code this table does not know."""
    return BRANDS.get(code.lower(), UNKNOWN)


def luhn_ok(digits: str) -> bool:
    """The Luhn (mod 10) check every card number carries in its last digit."""
    if not is_digits(digits):
        return False
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def group_digits(digits: str, brand: Brand | None = None) -> str:
    """`4242424242424242` -> `4242 4242 4242 4242`; American Express 4-6-5."""
    groups = (brand or detect_brand(digits)).groups
    parts: list[str] = []
    start = 0
    for index, size in enumerate(groups):
        if start >= len(digits):
            break
        end = len(digits) if index == len(groups) - 1 else start + size
        parts.append(digits[start:end])
        start = end
    return " ".join(parts)


def last4(digits: str) -> str:
    """The only part of a number that is kept or shown: its last four digits (digits only)."""
    return only_digits(digits)[-4:]


def card_label(brand_code: str, last_digits: str, *, ascii_only: bool = False) -> str:
    """ "Visa •••• 4242" ("Visa **** 4242" in ASCII); "Card •••• 4242" for an unknown brand.

    `last_digits` may come from a server or a database: only its ASCII digits are drawn, so
    nothing else (a control sequence, more of a number) can reach a screen or a ledger line.
    """
    dots = "****" if ascii_only else "••••"
    return f"{brand_of(brand_code).label} {dots} {last4(last_digits)}"


def expiry_text(month: int, year: int) -> str:
    """`(12, 2034)` -> "12/34", as printed on the card."""
    return f"{month:02d}/{year % 100:02d}"
