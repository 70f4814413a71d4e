"""Under NO_COLOR the widgets still say what matters: shapes and words, not colour alone."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import Footer, Input, Label

from credits_core.money import format_money
from widgets.amount_grid import AmountGrid
from widgets.balance import BalanceDisplay
from widgets.card_number import CardNumberInput
from widgets.connection_banner import ConnectionBanner
from widgets.slider import Slider

SnapCompare = Callable[..., bool]


class Showcase(App[None]):
    """Every state that colour would otherwise carry: offline, low, focus, pick, invalid."""

    CSS = "CardNumberInput { width: 30; } #problem { height: 1; }"

    def compose(self) -> ComposeResult:
        yield ConnectionBanner("offline")
        yield BalanceDisplay(1500, "USD", low=True, level=2000)
        yield AmountGrid((1000, 2500, 5000, 10000, 25000, 50000), "USD", selected=2500)
        yield Slider(2000, min=500, max=50000, step=500, formatter=_usd)
        yield CardNumberInput("4242424242424241")
        yield Label("", id="problem", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(Input).cursor_blink = False

    def on_input_blurred(self, event: Input.Blurred) -> None:
        result = event.validation_result
        if result is not None and not result.is_valid:
            self.query_one("#problem", Label).update(f"Error: {result.failure_descriptions[0]}")


def _usd(minor: int) -> str:
    return format_money(minor, "USD")


async def _focus_slider_after_checking_the_card(pilot: Pilot[None]) -> None:
    await pilot.pause()
    pilot.app.query_one(CardNumberInput).focus()
    await pilot.pause()
    pilot.app.query_one(Slider).focus()
    await pilot.pause()


@pytest.fixture
def no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")


@pytest.mark.usefixtures("no_color")
def test_snapshot_no_color_80x24(snap_compare: SnapCompare) -> None:
    app = Showcase()
    assert app.no_color
    assert snap_compare(
        app, terminal_size=(80, 24), run_before=_focus_slider_after_checking_the_card
    )


@pytest.mark.usefixtures("no_color")
def test_snapshot_no_color_120x40(snap_compare: SnapCompare) -> None:
    app = Showcase()
    assert snap_compare(
        app, terminal_size=(120, 40), run_before=_focus_slider_after_checking_the_card
    )
