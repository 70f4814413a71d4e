"""Card-number rules: brand from the prefix, grouping as shown, and the Luhn check."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from widgets.card_rules import (
    MAX_DIGITS,
    card_number_problem,
    detect_brand,
    group_digits,
    luhn_ok,
    only_digits,
)

# Test numbers the card networks publish for sandboxes (all pass Luhn).
TEST_NUMBERS = {
    "4242424242424242": ("visa", "4242 4242 4242 4242"),
    "4000056655665556": ("visa", "4000 0566 5566 5556"),
    "5555555555554444": ("mastercard", "5555 5555 5555 4444"),
    "2223003122003222": ("mastercard", "2223 0031 2200 3222"),
    "378282246310005": ("amex", "3782 822463 10005"),
    "371449635398431": ("amex", "3714 496353 98431"),
    "6011111111111117": ("discover", "6011 1111 1111 1117"),
    "3056930009020004": ("diners", "3056 930009 020004"),
    "36227206271667": ("diners", "3622 720627 1667"),
    "3566002020360505": ("jcb", "3566 0020 2036 0505"),
    "6200000000000005": ("unionpay", "6200 0000 0000 0005"),
}


@pytest.mark.parametrize(("number", "expected"), TEST_NUMBERS.items())
def test_published_test_cards(number: str, expected: tuple[str, str]) -> None:
    brand, shown = expected
    assert detect_brand(number).code == brand
    assert group_digits(number) == shown
    assert luhn_ok(number)
    assert card_number_problem(number) is None


@pytest.mark.parametrize(
    ("prefix", "brand"),
    [
        ("4", "visa"),
        ("34", "amex"),
        ("3", "unknown"),
        ("51", "mastercard"),
        ("2720", "mastercard"),
        ("2721", "unknown"),
        ("6221", "unionpay"),
        ("622126", "discover"),
        ("65", "discover"),
        ("", "unknown"),
    ],
)
def test_brand_from_the_first_digits(prefix: str, brand: str) -> None:
    assert detect_brand(prefix).code == brand


def test_grouping_as_typed() -> None:
    assert group_digits("4242") == "4242"
    assert group_digits("42424") == "4242 4"
    assert group_digits("37828224") == "3782 8224"
    assert group_digits("3782822463") == "3782 822463"
    assert group_digits("4" * 19) == "4444 4444 4444 4444 444"


@pytest.mark.parametrize(
    ("digits", "problem"),
    [
        ("", "Enter the card number."),
        ("424242", "too short for a Visa card"),
        ("42424242424242420", "has 13, 16 or 19 digits"),
        ("4242424242424241", "not valid: check the digits"),
        ("37828224631000", "too short for an American Express card"),
        ("3782822463100050", "too long for an American Express card"),
    ],
)
def test_what_is_wrong_in_plain_words(digits: str, problem: str) -> None:
    message = card_number_problem(digits)
    assert message is not None
    assert problem in message


def test_only_ascii_digits_count() -> None:
    assert only_digits("4242-4242 42\u0664\u0662") == "42424242 42".replace(" ", "")
    assert not luhn_ok("\u0664\u0662\u0664\u0662")
    assert not luhn_ok("")


def _luhn_digit(body: str) -> str:
    for last in "0123456789":
        if luhn_ok(body + last):
            return last
    raise AssertionError("some digit always completes a Luhn number")


@given(st.text(alphabet="0123456789", min_size=1, max_size=MAX_DIGITS - 1))
def test_exactly_one_check_digit_completes_any_number(body: str) -> None:
    good = _luhn_digit(body)
    assert [d for d in "0123456789" if luhn_ok(body + d)] == [good]


@given(st.text(alphabet="0123456789", min_size=2, max_size=MAX_DIGITS), st.data())
def test_changing_one_digit_breaks_the_check(number: str, data: st.DataObject) -> None:
    number = number[:-1] + _luhn_digit(number[:-1])
    index = data.draw(st.integers(0, len(number) - 1))
    other = data.draw(st.sampled_from([d for d in "0123456789" if d != number[index]]))
    assert not luhn_ok(number[:index] + other + number[index + 1 :])


@given(st.text(alphabet="0123456789", max_size=MAX_DIGITS))
def test_grouping_keeps_the_digits(digits: str) -> None:
    shown = group_digits(digits)
    assert shown.replace(" ", "") == digits
    assert "  " not in shown
    assert not shown.startswith(" ")
    assert not shown.endswith(" ")
