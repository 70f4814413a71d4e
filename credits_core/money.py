"""Money as integer minor units plus an ISO 4217 currency: formatting and parsing, never floats."""

from __future__ import annotations

import re

from credits_core.currencies import exponent

_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CAD": "CA$", "AUD": "A$"}
MAX_WHOLE_DIGITS = 9
"""The most digits a typed amount's whole part may have (999,999,999): more is a slip of a key."""
# ASCII digits only: Unicode digits (Arabic-Indic, fullwidth) are not what a person means as money.
_AMOUNT = re.compile(
    rf"^(?P<whole>[0-9]{{1,{MAX_WHOLE_DIGITS}}}|[0-9]{{1,3}}(?:,[0-9]{{3}}){{1,2}})"
    r"(?:\.(?P<frac>[0-9]*))?$"
)


class MoneyError(ValueError):
    """Text that is not an amount of money in this currency; the message says why, for a person."""


def format_money(minor: int, currency: str, *, symbol: bool = True) -> str:
    """`format_money(5000, "USD")` is "$50.00"; "5.000 TND", "¥500"; negative reads "-$5.00".

    A currency without a symbol here is written with its code after the amount; `symbol=False`
    leaves both out.
    """
    code = currency.upper()
    digits = exponent(code)
    sign = "-" if minor < 0 else ""
    whole, frac = divmod(abs(minor), 10**digits)
    text = f"{whole:,}" + (f".{frac:0{digits}d}" if digits else "")
    prefix = _SYMBOLS.get(code) if symbol else None
    if prefix is None:
        return f"{sign}{text} {code}" if symbol else f"{sign}{text}"
    return f"{sign}{prefix}{text}"


def parse_money(text: str, currency: str) -> int:
    """Parse what a person typed ("50", "$1,250.5", "12.500 TND") into minor units, or raise
    MoneyError. Whatever `format_money` writes for an amount of zero or more parses back to it."""
    code = currency.upper()
    cleaned = _without_currency(text.strip(), code)
    if not cleaned:
        raise MoneyError("Enter an amount.")
    if cleaned.startswith("-"):
        raise MoneyError("The amount must be more than zero.")
    match = _AMOUNT.match(cleaned)
    if match is None:
        raise MoneyError("Use digits only, like 75 or 75.50.")
    digits = exponent(code)
    frac = match.group("frac") or ""
    if len(frac) > digits:
        raise MoneyError(
            f"{code} has no smaller unit than {format_money(1, code)}."
            if digits
            else f"{code} has no fractional unit."
        )
    whole = int(match.group("whole").replace(",", ""))
    minor: int = whole * 10**digits + int(frac.ljust(digits, "0") or "0")
    return minor


def _without_currency(text: str, code: str) -> str:
    """The text without the currency's symbol in front or its code in front or behind."""
    symbol = _SYMBOLS.get(code)
    if symbol and text.startswith(symbol):
        return text[len(symbol) :].strip()
    if text[: len(code)].upper() == code:
        return text[len(code) :].strip()
    if text[-len(code) :].upper() == code:
        return text[: -len(code)].strip()
    return text
