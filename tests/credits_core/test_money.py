"""Money is integer minor units: what a person types becomes minor units exactly, or a clear
refusal; every ISO 4217 currency has its own number of decimals."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credits_core.currencies import DEFAULT_EXPONENT, EXPONENTS, exponent, is_currency
from credits_core.money import MAX_WHOLE_DIGITS, MoneyError, format_money, parse_money


@pytest.mark.parametrize(
    ("currencies", "digits"),
    [
        ("UGX XOF XAF RWF JPY KRW VND CLP ISK PYG BIF DJF GNF KMF VUV XPF UYI", 0),
        ("USD EUR GBP CHF INR BRL MXN ZAR CNY HUF IDR", 2),
        ("TND OMR IQD LYD KWD BHD JOD", 3),
        ("CLF UYW", 4),
    ],
)
def test_iso_4217_exponents(currencies: str, digits: int) -> None:
    for currency in currencies.split():
        assert (currency, exponent(currency)) == (currency, digits)
        assert (currency, exponent(currency.lower())) == (currency, digits)


def test_the_table_is_the_whole_list_and_nothing_without_a_minor_unit() -> None:
    assert len(EXPONENTS) >= 160
    assert all(len(code) == 3 and code.isupper() for code in EXPONENTS)
    assert set(EXPONENTS.values()) == {0, 2, 3, 4}
    assert not any(is_currency(code) for code in ("XAU", "XAG", "XDR", "XTS", "XXX"))
    assert exponent("ABC") == DEFAULT_EXPONENT


@pytest.mark.parametrize(
    ("minor", "currency", "text"),
    [
        (5000, "USD", "$50.00"),
        (-123456, "EUR", "-€1,234.56"),
        (500, "JPY", "¥500"),
        (7, "USD", "$0.07"),
        (1500, "UGX", "1,500 UGX"),
        (12500, "TND", "12.500 TND"),
        (1, "KWD", "0.001 KWD"),
        (123456, "CLF", "12.3456 CLF"),
        (5000, "usd", "$50.00"),
    ],
)
def test_format_money(minor: int, currency: str, text: str) -> None:
    assert format_money(minor, currency) == text


@pytest.mark.parametrize(
    ("text", "minor"), [("50", 5000), ("$1,250.5", 125050), (" 75.00 ", 7500), ("0.01", 1)]
)
def test_parse_money(text: str, minor: int) -> None:
    assert parse_money(text, "USD") == minor


@pytest.mark.parametrize(
    ("text", "currency", "minor"),
    [
        ("12.5 TND", "TND", 12500),
        ("TND 12.5", "TND", 12500),
        ("12.5 tnd", "TND", 12500),
        ("1,500", "UGX", 1500),
        ("0.0001", "CLF", 1),
        ("USD 50", "USD", 5000),
    ],
)
def test_parse_money_in_other_currencies(text: str, currency: str, minor: int) -> None:
    assert parse_money(text, currency) == minor


@pytest.mark.parametrize(
    ("text", "currency", "message"),
    [
        ("", "USD", "Enter an amount."),
        ("-5", "USD", "more than zero"),
        ("10.001", "USD", r"no smaller unit than \$0\.01"),
        ("1.0001", "TND", r"TND has no smaller unit than 0\.001 TND"),
        ("1500.5", "UGX", "UGX has no fractional unit"),
        ("1e309", "USD", "digits only"),
        ("\u0665\u0660", "USD", "digits only"),
        ("ten", "USD", "digits only"),
        ("9" * 30, "USD", "digits only"),
        ("50 EUR", "USD", "digits only"),
    ],
)
def test_parse_money_refuses_with_a_reason(text: str, currency: str, message: str) -> None:
    with pytest.raises(MoneyError, match=message):
        parse_money(text, currency)


@st.composite
def amounts(draw: st.DrawFn) -> tuple[int, str]:
    """Any currency of the table, and any amount a person may type in it (up to 999,999,999)."""
    currency = draw(st.sampled_from(sorted(EXPONENTS)))
    top = 10 ** (MAX_WHOLE_DIGITS + exponent(currency)) - 1
    return draw(st.integers(min_value=0, max_value=top)), currency


@given(amounts(), st.booleans())
def test_format_then_parse_is_exact_in_every_currency(
    amount: tuple[int, str], symbol: bool
) -> None:
    minor, currency = amount
    assert parse_money(format_money(minor, currency, symbol=symbol), currency) == minor
