"""The app and the server agree on every card number and every amount: the brand, whether a card
is valid, how a saved card is shown, and how money is written and read back.

The app side is what the screens use (the card fields, the card summary and labels, the money
field); the server side is what the API uses (`check_card`, and the label the ledger writes).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual.app import App, ComposeResult

from credits_client.api.models import PaymentMethod
from credits_core.cards import MAX_DIGITS, MIN_DIGITS, card_label, luhn_ok
from credits_core.currencies import EXPONENTS, exponent
from credits_core.money import MAX_WHOLE_DIGITS, format_money
from credits_server.cards import CardDetails, check_card
from credits_server.errors import Invalid
from screens.format import card_label as screen_card_label
from widgets.card_cvc import CvcInput
from widgets.card_number import CardNumberInput
from widgets.card_summary import describe_card
from widgets.money_input import MoneyInput

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)

# The first digits of every brand's ranges, their edges, and the digits of no brand around them.
PREFIXES = [
    *("4", "40", "49"),  # Visa
    *("51", "55", "2221", "2720", "50", "56", "2220", "2721"),  # Mastercard and its edges
    *("34", "37", "35", "33"),  # American Express
    *("6011", "644", "649", "65", "622126", "622925", "6010", "643"),  # Discover
    *("62", "622125", "622926", "6200", "6299"),  # UnionPay
    *("300", "305", "3095", "36", "38", "39", "306", "3094"),  # Diners Club
    *("3528", "3589", "3527", "3590"),  # JCB
    *("0", "1", "7", "8", "9"),  # no brand
]


@st.composite
def card_numbers(draw: st.DrawFn) -> str:
    """Digit strings of 12 to 19 digits from every prefix family, half of them passing Luhn."""
    prefix = draw(st.sampled_from(PREFIXES))
    length = draw(st.integers(MIN_DIGITS, MAX_DIGITS))
    body = (
        prefix
        + draw(st.text("0123456789", min_size=length - len(prefix) - 1))[: length - len(prefix) - 1]
    )
    if draw(st.booleans()):
        return next(body + d for d in "0123456789" if luhn_ok(body + d))
    return body + draw(st.sampled_from("0123456789"))


class CardFields(App[None]):
    """The card number and CVC fields as the payment screen has them, the CVC told the brand."""

    def compose(self) -> ComposeResult:
        yield CardNumberInput()
        yield CvcInput()


def _server(number: str, cvc: str) -> CardDetails | set[str]:
    """The card the server accepts, or the names of the fields it refuses."""
    try:
        return check_card(number, 12, NOW.year + 3, cvc, "Agreement", now=NOW)
    except Invalid as error:
        return {problem.field for problem in error.errors}


async def test_app_and_server_agree_on_any_card_number() -> None:
    app = CardFields()
    async with app.run_test():
        number_field = app.query_one(CardNumberInput)
        cvc_field = app.query_one(CvcInput)

        @settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
        @given(card_numbers(), st.sampled_from(["123", "1234"]))
        def agree(number: str, cvc: str) -> None:
            number_field.value = number
            cvc_field.brand = number_field.brand
            cvc_field.value = cvc
            server = _server(number, cvc)
            app_refuses = {
                field
                for field, problem in (("number", number_field.problem), ("cvc", cvc_field.problem))
                if problem is not None
            }
            if isinstance(server, set):
                assert server == app_refuses
                return
            assert app_refuses == set()
            assert server.brand == number_field.brand.code
            assert number_field.value.replace(" ", "") == number
            # The saved card as the app receives it, shown as the ledger line names it.
            saved = PaymentMethod(
                id=None, brand=server.brand, last4=server.last4, exp_month=12, exp_year=2029
            )
            ledger = card_label(server.brand, server.last4)
            assert ledger == describe_card(saved, expiry=False) == screen_card_label(saved)
            assert ledger.endswith(f" •••• {number[-4:]}")
            assert ledger.startswith(number_field.brand.label)

        agree()


@st.composite
def amounts(draw: st.DrawFn) -> tuple[int, str]:
    """Any ISO 4217 currency, and any amount a person may type in it (up to 999,999,999)."""
    currency = draw(st.sampled_from(sorted(EXPONENTS)))
    top = 10 ** (MAX_WHOLE_DIGITS + exponent(currency)) - 1
    return draw(st.integers(min_value=0, max_value=top)), currency


async def test_app_reads_back_any_amount_the_server_writes() -> None:
    class MoneyField(App[None]):
        def compose(self) -> ComposeResult:
            yield MoneyInput(currency="USD", minimum=0, maximum=0)

    app = MoneyField()
    async with app.run_test():
        field = app.query_one(MoneyInput)

        @settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
        @given(amounts())
        def agree(amount: tuple[int, str]) -> None:
            minor, currency = amount
            field.configure(currency=currency, minimum=0, maximum=10**20)
            field.value = format_money(minor, currency)  # as the sandbox's bank page writes it
            assert field.amount == minor

        agree()


@pytest.mark.parametrize(
    ("number", "brand", "label"),
    [
        ("6221260000000000", "discover", "Discover •••• 0000"),
        ("6229250000000003", "discover", "Discover •••• 0003"),
        ("6200000000000005", "unionpay", "UnionPay •••• 0005"),
        ("3566002020360505", "jcb", "JCB •••• 0505"),
        ("2223003122003222", "mastercard", "Mastercard •••• 3222"),
        ("378282246310005", "amex", "Amex •••• 0005"),
    ],
)
async def test_named_ranges_and_labels(number: str, brand: str, label: str) -> None:
    cvc = "1234" if brand == "amex" else "123"
    details = check_card(number, 12, 2030, cvc, "Example", now=NOW)
    assert (details.brand, card_label(details.brand, details.last4)) == (brand, label)
    saved = PaymentMethod(id=None, brand=brand, last4=details.last4, exp_month=12, exp_year=2030)
    assert describe_card(saved, expiry=False) == screen_card_label(saved) == label
    assert describe_card(saved, today=date(2031, 1, 1)).endswith("expired 12/30")
