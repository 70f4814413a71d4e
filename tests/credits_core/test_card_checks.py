"""What can be wrong with a card as typed: the words a person reads and the field and code a
program reads, the same for the app and the server."""

from __future__ import annotations

from datetime import date

import pytest

from credits_core.card_checks import (
    LATEST_YEARS_AHEAD,
    CardProblem,
    cvc_problem,
    expiry_problem,
    full_year,
    number_problem,
)
from credits_core.cards import AMEX, UNKNOWN, VISA, Brand

TODAY = date(2026, 11, 29)


@pytest.mark.parametrize(
    ("digits", "message"),
    [
        ("", "Enter the card number."),
        ("424242", "The number is too short for a Visa card."),
        ("42424242424242420", "A Visa number has 13, 16 or 19 digits."),
        ("4" * 30, "The number is too long for a Visa card."),
        ("4242424242424241", "That card number is not valid: check the digits."),
        ("37828224631000", "The number is too short for an American Express card."),
        ("3782822463100050", "The number is too long for an American Express card."),
        ("55555555555544440", "The number is too long for a Mastercard card."),
        ("4242abcd42424242", "A card number has only digits."),
        ("4242\u0664\u0662424242424242", "A card number has only digits."),
        ("12345678901", "A card number has 12 to 19 digits."),
        ("1" * 20, "A card number has 12 to 19 digits."),
    ],
)
def test_what_is_wrong_with_a_number_in_plain_words(digits: str, message: str) -> None:
    assert number_problem(digits) == CardProblem("number", "invalid_number", message)


@pytest.mark.parametrize("digits", ["4242424242424242", "378282246310005", "6200000000000005"])
def test_a_good_number_has_no_problem(digits: str) -> None:
    assert number_problem(digits) is None


@pytest.mark.parametrize(
    ("month", "year", "expected"),
    [
        (11, 2026, None),  # this month: still good
        (11, 26, None),  # two digits, as printed on the card
        (10, 2026, ("exp_year", "expired", "This card has expired.")),
        (12, 1999, ("exp_year", "expired", "This card has expired.")),
        (13, 2030, ("exp_month", "invalid_expiry", "The month must be 01 to 12.")),
        (0, 2030, ("exp_month", "invalid_expiry", "The month must be 01 to 12.")),
        (12, 2026 + LATEST_YEARS_AHEAD, None),
        (
            1,
            2027 + LATEST_YEARS_AHEAD,
            ("exp_year", "invalid_expiry", "Check the year: it is too far ahead."),
        ),
        (1, 2**63, ("exp_year", "invalid_expiry", "Check the year: it is too far ahead.")),
    ],
)
def test_expiry(month: int, year: int, expected: tuple[str, str, str] | None) -> None:
    problem = expiry_problem(month, year, TODAY)
    assert (problem and (problem.field, problem.code, problem.message)) == expected


def test_a_two_digit_year_is_this_century() -> None:
    assert (full_year(34), full_year(0), full_year(2034)) == (2034, 2000, 2034)


@pytest.mark.parametrize(
    ("cvc", "brand", "message"),
    [
        ("123", VISA, None),
        ("1234", AMEX, None),
        ("123", UNKNOWN, None),
        ("1234", UNKNOWN, None),
        ("", VISA, "Enter the security code (CVC)."),
        ("1234", VISA, "The security code of this card has 3 digits."),
        ("123", AMEX, "The security code of this card has 4 digits."),
        ("12", UNKNOWN, "The security code has 3 or 4 digits."),
        ("12a", VISA, "The security code of this card has 3 digits."),
        ("\u0661\u0662\u0663", VISA, "The security code of this card has 3 digits."),
    ],
)
def test_cvc_length_follows_the_brand(cvc: str, brand: Brand, message: str | None) -> None:
    problem = cvc_problem(cvc, brand)
    assert (problem and problem.message) == message
    assert problem is None or (problem.field, problem.code) == ("cvc", "invalid_cvc")
