"""Card rules: brand from the networks' prefix ranges, grouping as shown, Luhn, and card labels."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credits_core.cards import (
    BRANDS,
    MAX_DIGITS,
    brand_of,
    card_label,
    detect_brand,
    expiry_text,
    group_digits,
    last4,
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
    "6011000990139424": ("discover", "6011 0009 9013 9424"),
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


@pytest.mark.parametrize(
    ("prefix", "brand"),
    [
        ("4", "visa"),
        # Mastercard: 51-55 and 2221-2720; 2220 and 2721 belong to nobody.
        ("50", "unknown"),
        ("51", "mastercard"),
        ("55", "mastercard"),
        ("56", "unknown"),
        ("2220", "unknown"),
        ("2221", "mastercard"),
        ("2720", "mastercard"),
        ("2721", "unknown"),
        ("34", "amex"),
        ("37", "amex"),
        ("35", "unknown"),
        # Discover: 6011, 644-649, 65, and 622126-622925 carved out of UnionPay's 62.
        ("6011", "discover"),
        ("6012", "unknown"),
        ("643", "unknown"),
        ("644", "discover"),
        ("649", "discover"),
        ("65", "discover"),
        ("622125", "unionpay"),
        ("622126", "discover"),
        ("622925", "discover"),
        ("622926", "unionpay"),
        ("6221", "unionpay"),
        ("62", "unionpay"),
        # Diners Club: 300-305, 3095, 36, 38-39.
        ("300", "diners"),
        ("305", "diners"),
        ("306", "unknown"),
        ("3095", "diners"),
        ("36", "diners"),
        ("38", "diners"),
        ("39", "diners"),
        # JCB: 3528-3589.
        ("3527", "unknown"),
        ("3528", "jcb"),
        ("3589", "jcb"),
        ("3590", "unknown"),
        ("31", "unknown"),
        ("1", "unknown"),
        ("7", "unknown"),
        ("8", "unknown"),
        ("9", "unknown"),
        ("", "unknown"),
    ],
)
def test_brand_from_the_first_digits(prefix: str, brand: str) -> None:
    assert detect_brand(prefix + "0" * (16 - len(prefix))).code == brand
    if len(prefix) >= 2 and brand != "unionpay":
        assert detect_brand(prefix).code == brand


def test_brands_are_named_as_the_networks_write_them() -> None:
    names = {code: brand.name for code, brand in BRANDS.items()}
    assert names == {
        "visa": "Visa",
        "mastercard": "Mastercard",
        "amex": "American Express",
        "discover": "Discover",
        "diners": "Diners Club",
        "jcb": "JCB",
        "unionpay": "UnionPay",
        "unknown": "Card",
    }
    assert brand_of("JCB").code == "jcb"
    assert brand_of("maestro").code == "unknown"


@pytest.mark.parametrize(
    ("brand", "text"),
    [
        ("visa", "Visa •••• 4242"),
        ("amex", "Amex •••• 4242"),
        ("unionpay", "UnionPay •••• 4242"),
        ("jcb", "JCB •••• 4242"),
        ("diners", "Diners Club •••• 4242"),
        ("something-new", "Card •••• 4242"),
    ],
)
def test_card_labels(brand: str, text: str) -> None:
    assert card_label(brand, "4242") == text


def test_a_label_draws_only_the_last_four_digits() -> None:
    assert card_label("visa", "\x1b[2J42") == "Visa •••• 242"
    assert card_label("visa", "4242424242424242", ascii_only=True) == "Visa **** 4242"
    assert last4("4242 4242 4242 1234") == "1234"
    assert expiry_text(3, 2031) == "03/31"


def test_grouping_as_typed() -> None:
    assert group_digits("4242") == "4242"
    assert group_digits("42424") == "4242 4"
    assert group_digits("37828224") == "3782 8224"
    assert group_digits("3782822463") == "3782 822463"
    assert group_digits("4" * 19) == "4444 4444 4444 4444 444"


def test_only_ascii_digits_count() -> None:
    assert only_digits("4242-4242 42\u0664\u0662") == "4242424242"
    assert not luhn_ok("\u0664\u0662\u0664\u0662")
    assert not luhn_ok("")
    assert detect_brand("\u0664242424242424242").code == "unknown"


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
