"""The card fields as a person types into them: grouping, brand, expiry, masked CVC, errors."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from textual import events, on
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import Input, Label

from widgets.card_cvc import CvcInput
from widgets.card_expiry import ExpiryInput
from widgets.card_number import CardNumberInput

SnapCompare = Callable[..., bool]
TODAY = date(2026, 11, 29)


class CardFormApp(App[None]):
    """The card part of the payment form, with the error line a screen would show under it."""

    CSS = "Input { width: 40; } #problem { color: $error; height: 1; }"

    def __init__(self) -> None:
        super().__init__()
        self.brands: list[str] = []

    def compose(self) -> ComposeResult:
        yield Label("Card number")
        yield CardNumberInput(id="number")
        yield Label("Expiry (MM/YY)")
        yield ExpiryInput(id="expiry", today=lambda: TODAY)
        yield Label("Security code")
        yield CvcInput(id="cvc")
        yield Label("", id="problem", markup=False)

    def on_mount(self) -> None:
        for field in self.query(Input):
            field.cursor_blink = False

    def on_card_number_input_brand_changed(self, event: CardNumberInput.BrandChanged) -> None:
        self.brands.append(event.brand.code)
        self.query_one("#cvc", CvcInput).brand = event.brand

    @on(Input.Blurred)
    @on(Input.Changed)
    def show_problem(self, event: Input.Blurred | Input.Changed) -> None:
        result = event.validation_result
        if result is not None:
            text = "" if result.is_valid else result.failure_descriptions[0]
            self.query_one("#problem", Label).update(text)


def number(pilot: Pilot[None]) -> CardNumberInput:
    return pilot.app.query_one(CardNumberInput)


def expiry(pilot: Pilot[None]) -> ExpiryInput:
    return pilot.app.query_one(ExpiryInput)


def problem_shown(pilot: Pilot[None]) -> str:
    return str(pilot.app.query_one("#problem", Label).render())


async def test_digits_are_grouped_as_typed_and_the_brand_shown() -> None:
    app = CardFormApp()
    async with app.run_test() as pilot:
        await pilot.press(*"42424")
        assert number(pilot).value == "4242 4"
        await pilot.press(*"24242424242")
        field = number(pilot)
        assert field.value == "4242 4242 4242 4242"
        assert field.digits == "4242424242424242"
        assert field.brand.code == "visa"
        assert field.border_subtitle == "Visa"
        await pilot.pause()
        assert app.brands == ["visa"]


async def test_amex_is_grouped_four_six_five_and_wants_four_cvc_digits() -> None:
    app = CardFormApp()
    async with app.run_test() as pilot:
        await pilot.press(*"378282246310005", "tab", "tab", *"123", "tab")
        assert number(pilot).value == "3782 822463 10005"
        assert number(pilot).border_subtitle == "American Express"
        cvc = app.query_one(CvcInput)
        assert cvc.problem == "The security code of this card has 4 digits."
        await pilot.pause()
        assert problem_shown(pilot) == "The security code of this card has 4 digits."


async def test_only_digits_go_in_and_at_most_nineteen() -> None:
    app = CardFormApp()
    async with app.run_test() as pilot:
        await pilot.press(*"4a-b 2.", *("4" * 19))
        assert number(pilot).digits == "42" + "4" * 17
        assert number(pilot).value == "4244 4444 4444 4444 444"


async def test_backspace_over_a_space_deletes_the_digit_before_it() -> None:
    app = CardFormApp()
    async with app.run_test() as pilot:
        await pilot.press(*"42424242", "left", "left", "left", "left", "backspace")
        field = number(pilot)
        assert field.value == "4244 242"
        assert field.cursor_position == 3
        await pilot.press("9")
        assert field.value == "4249 4242"
        assert field.cursor_position == 4
        await pilot.press("end", "backspace", "backspace", "backspace", "backspace", "backspace")
        assert field.value == "424"


async def test_a_pasted_number_with_dashes_is_cleaned() -> None:
    app = CardFormApp()
    async with app.run_test() as pilot:
        number(pilot).post_message(events.Paste("5555-5555-5555-4444"))
        await pilot.pause()
        assert number(pilot).value == "5555 5555 5555 4444"
        assert number(pilot).brand.code == "mastercard"


async def test_a_wrong_digit_is_reported_on_leaving_and_cleared_when_fixed() -> None:
    app = CardFormApp()
    async with app.run_test() as pilot:
        await pilot.press(*"4242424242424241")
        assert problem_shown(pilot) == ""  # no scolding while typing
        await pilot.press("tab")
        await pilot.pause()
        assert problem_shown(pilot) == "That card number is not valid: check the digits."
        assert number(pilot).has_class("-invalid")
        await pilot.press("shift+tab", "end", "backspace", "2")
        await pilot.pause()
        assert problem_shown(pilot) == ""
        assert not number(pilot).has_class("-invalid")
        assert number(pilot).problem is None


async def test_expiry_gets_its_slash_as_typed() -> None:
    app = CardFormApp()
    async with app.run_test() as pilot:
        await pilot.press("tab", *"12")
        assert expiry(pilot).value == "12/"
        await pilot.press(*"34")
        assert expiry(pilot).value == "12/34"
        assert (expiry(pilot).month, expiry(pilot).year) == (12, 2034)
        await pilot.press("backspace", "backspace", "backspace")
        assert expiry(pilot).value == "1"
        await pilot.press("/")
        assert expiry(pilot).value == "01/"
        await pilot.press("backspace", "backspace", "7")
        assert expiry(pilot).value == "07/"


async def test_a_pasted_expiry_with_a_long_year_is_shortened() -> None:
    app = CardFormApp()
    async with app.run_test() as pilot:
        await pilot.press("tab")
        expiry(pilot).post_message(events.Paste("3 / 2031"))
        await pilot.pause()
        assert expiry(pilot).value == "03/31"
        assert (expiry(pilot).month, expiry(pilot).year) == (3, 2031)


async def test_expiry_is_checked_against_today() -> None:
    app = CardFormApp()
    async with app.run_test() as pilot:
        field = expiry(pilot)
        field.value = "1025"
        assert field.problem == "This card has expired."
        field.value = "1126"  # this month: still good
        assert field.problem is None
        field.value = "1326"
        assert field.problem == "The month must be 01 to 12."
        field.value = "12/9"
        assert field.problem == "Enter the expiry as MM/YY."
        field.value = "1299"
        assert field.problem == "Check the year: it is too far ahead."


async def test_the_cvc_is_masked_and_short() -> None:
    app = CardFormApp()
    async with app.run_test() as pilot:
        await pilot.press("tab", "tab", *"12345")
        cvc = app.query_one(CvcInput)
        assert cvc.value == "1234"
        shown = "".join(segment.text for segment in cvc.render_line(0))
        assert "1234" not in shown
        assert "••••" in shown
        cvc.value = "12"
        assert cvc.problem == "The security code has 3 or 4 digits."


async def _fill_good_card(pilot: Pilot[None]) -> None:
    await pilot.pause()
    await pilot.press(*"4242424242424242", "tab", *"1234", "tab", *"123")
    await pilot.pause()


async def _fill_bad_card(pilot: Pilot[None]) -> None:
    await pilot.pause()
    await pilot.press(*"4242424242424241", "tab", *"1025", "tab")
    await pilot.pause()


def test_snapshot_good_card_80x24(snap_compare: SnapCompare) -> None:
    assert snap_compare(CardFormApp(), terminal_size=(80, 24), run_before=_fill_good_card)


def test_snapshot_good_card_120x40(snap_compare: SnapCompare) -> None:
    assert snap_compare(CardFormApp(), terminal_size=(120, 40), run_before=_fill_good_card)


def test_snapshot_bad_card_80x24(snap_compare: SnapCompare) -> None:
    assert snap_compare(CardFormApp(), terminal_size=(80, 24), run_before=_fill_bad_card)


def test_snapshot_bad_card_120x40(snap_compare: SnapCompare) -> None:
    assert snap_compare(CardFormApp(), terminal_size=(120, 40), run_before=_fill_bad_card)
