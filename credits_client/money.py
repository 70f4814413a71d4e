"""Money as integer minor units plus an ISO 4217 currency: formatting and parsing, never floats."""

from __future__ import annotations

import re

# Minor-unit exponents that are not 2 (ISO 4217). Everything else has cents.
_EXPONENTS = {"JPY": 0, "KRW": 0, "VND": 0, "CLP": 0, "ISK": 0, "BHD": 3, "KWD": 3, "JOD": 3}
_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CAD": "CA$", "AUD": "A$"}
# ASCII digits only: Unicode digits (Arabic-Indic, fullwidth) are not what a person means as money.
_AMOUNT = re.compile(r"^(?P<whole>[0-9]{1,9}|[0-9]{1,3}(?:,[0-9]{3}){1,2})(?:\.(?P<frac>[0-9]*))?$")


class MoneyError(ValueError):
    """Text that is not an amount of money in this currency; the message says why, for a person."""


def exponent(currency: str) -> int:
    return _EXPONENTS.get(currency.upper(), 2)


def format_money(minor: int, currency: str, *, symbol: bool = True) -> str:
    """`format_money(5000, "USD")` is "$50.00"; negative amounts read "-$5.00"."""
    digits = exponent(currency)
    sign = "-" if minor < 0 else ""
    whole, frac = divmod(abs(minor), 10**digits)
    text = f"{whole:,}" + (f".{frac:0{digits}d}" if digits else "")
    prefix = _SYMBOLS.get(currency.upper()) if symbol else None
    if prefix is None:
        return f"{sign}{text} {currency.upper()}" if symbol else f"{sign}{text}"
    return f"{sign}{prefix}{text}"


def parse_money(text: str, currency: str) -> int:
    """Parse what a person typed ("50", "$1,250.5") into minor units, or raise MoneyError."""
    cleaned = text.strip()
    symbol = _SYMBOLS.get(currency.upper())
    if symbol and cleaned.startswith(symbol):
        cleaned = cleaned[len(symbol) :].strip()
    if not cleaned:
        raise MoneyError("Enter an amount.")
    if cleaned.startswith("-"):
        raise MoneyError("The amount must be more than zero.")
    match = _AMOUNT.match(cleaned)
    if match is None:
        raise MoneyError("Use digits only, like 75 or 75.50.")
    digits = exponent(currency)
    frac = match.group("frac") or ""
    if len(frac) > digits:
        raise MoneyError(
            f"{currency.upper()} has no smaller unit than {format_money(1, currency)}."
            if digits
            else f"{currency.upper()} has no fractional unit."
        )
    whole = int(match.group("whole").replace(",", ""))
    minor: int = whole * 10**digits + int(frac.ljust(digits, "0") or "0")
    return minor
