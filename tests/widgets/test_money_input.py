"""The money field: an amount typed as a person writes it, judged against min and max as typed."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import Input, Label

from widgets.money_input import MoneyInput

SnapCompare = Callable[..., bool]


class MoneyApp(App[None]):
    """A custom top-up amount and the line under it that says what is wrong."""

    CSS = "MoneyInput { width: 30; } #problem { height: 1; color: $error; }"

    def compose(self) -> ComposeResult:
        yield Label("Or another amount")
        yield MoneyInput(currency="USD", minimum=1000, maximum=100000)
        yield Label("", id="problem", markup=False)

    def on_mount(self) -> None:
        self.query_one(MoneyInput).cursor_blink = False

    def on_input_changed(self, event: Input.Changed) -> None:
        result = event.validation_result
        problem = "" if result is None or result.is_valid else result.failure_descriptions[0]
        self.query_one("#problem", Label).update(problem)


def field(pilot: Pilot[None]) -> MoneyInput:
    return pilot.app.query_one(MoneyInput)


def problem_shown(pilot: Pilot[None]) -> str:
    return str(pilot.app.query_one("#problem", Label).render())


@pytest.mark.parametrize(
    ("typed", "amount", "problem"),
    [
        ("5", None, "The minimum is $10.00"),
        ("50", 5000, ""),
        ("75.5", 7550, ""),
        ("$1,000", 100000, ""),
        ("1500", None, "Above $1,000.00: ask support for a larger top-up"),
        ("12.345", None, "USD has no smaller unit than $0.01."),
        ("1.2.3", None, "Use digits only, like 75 or 75.50."),
    ],
)
async def test_amounts_are_judged_as_typed(typed: str, amount: int | None, problem: str) -> None:
    app = MoneyApp()
    async with app.run_test() as pilot:
        await pilot.press(*typed)
        await pilot.pause()
        assert field(pilot).value == typed
        assert field(pilot).amount == amount
        assert problem_shown(pilot) == problem
        assert field(pilot).problem == (problem or None)


async def test_letters_do_not_go_in() -> None:
    app = MoneyApp()
    async with app.run_test() as pilot:
        await pilot.press(*"1x0e-")
        assert field(pilot).value == "10"
        assert field(pilot).amount == 1000


async def test_above_the_maximum_is_told_apart_so_support_can_be_offered() -> None:
    app = MoneyApp()
    async with app.run_test() as pilot:
        await pilot.press(*"2500")
        assert field(pilot).above_max
        await pilot.press("backspace")
        assert not field(pilot).above_max
        assert field(pilot).amount == 25000


async def test_new_limits_and_currency_check_the_text_again() -> None:
    app = MoneyApp()
    async with app.run_test() as pilot:
        await pilot.press(*"500")
        field(pilot).configure(currency="JPY", minimum=1000, maximum=100000)
        assert field(pilot).problem == "The minimum is ¥1,000"
        assert field(pilot).has_class("-invalid")
        await pilot.press("0")
        assert field(pilot).amount == 5000


async def _type_above_max(pilot: Pilot[None]) -> None:
    await pilot.pause()
    await pilot.press(*"1500")
    await pilot.pause()


async def _type_good(pilot: Pilot[None]) -> None:
    await pilot.pause()
    await pilot.press(*"75.50")
    await pilot.pause()


def test_snapshot_above_max_80x24(snap_compare: SnapCompare) -> None:
    assert snap_compare(MoneyApp(), terminal_size=(80, 24), run_before=_type_above_max)


def test_snapshot_above_max_120x40(snap_compare: SnapCompare) -> None:
    assert snap_compare(MoneyApp(), terminal_size=(120, 40), run_before=_type_above_max)


def test_snapshot_good_80x24(snap_compare: SnapCompare) -> None:
    assert snap_compare(MoneyApp(), terminal_size=(80, 24), run_before=_type_good)


async def _just_pause(pilot: Pilot[None]) -> None:
    await pilot.pause()


def test_snapshot_empty_120x40(snap_compare: SnapCompare) -> None:
    assert snap_compare(MoneyApp(), terminal_size=(120, 40), run_before=_just_pause)
