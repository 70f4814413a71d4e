"""Money is integer minor units: what a person types becomes cents exactly, or a clear refusal."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credits_client.money import MoneyError, format_money, parse_money


@pytest.mark.parametrize(
    ("minor", "currency", "text"),
    [
        (5000, "USD", "$50.00"),
        (-123456, "EUR", "-€1,234.56"),
        (500, "JPY", "¥500"),
        (7, "USD", "$0.07"),
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
    ("text", "message"),
    [
        ("", "Enter an amount."),
        ("-5", "more than zero"),
        ("10.001", r"no smaller unit than \$0\.01"),
        ("1e309", "digits only"),
        ("\u0665\u0660", "digits only"),
        ("ten", "digits only"),
        ("9" * 30, "digits only"),
    ],
)
def test_parse_money_refuses_with_a_reason(text: str, message: str) -> None:
    with pytest.raises(MoneyError, match=message):
        parse_money(text, "USD")


@given(st.integers(min_value=0, max_value=10**11 - 1))
def test_format_then_parse_is_exact(minor: int) -> None:
    assert parse_money(format_money(minor, "USD"), "USD") == minor
