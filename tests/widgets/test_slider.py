"""The slider: keys, mouse and messages move it the way a person expects; what it draws."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import Footer, Label

from credits_core.money import format_money
from widgets.slider import Slider

SnapCompare = Callable[..., bool]


def usd(minor: int) -> str:
    return format_money(minor, "USD")


class SliderApp(App[None]):
    """Two money sliders, as the auto-recharge screen has them; records every value it is told."""

    def __init__(self, *, disabled: bool = False, ascii_only: bool = False) -> None:
        super().__init__()
        self.seen: list[tuple[str, int]] = []
        self._disabled = disabled
        self._ascii = ascii_only

    def compose(self) -> ComposeResult:
        yield Label("When balance falls below")
        yield Slider(
            2000,
            min=500,
            max=50000,
            step=500,
            formatter=usd,
            id="threshold",
            disabled=self._disabled,
            ascii_only=self._ascii,
        )
        yield Label("Add")
        yield Slider(5000, min=1000, max=100000, step=500, formatter=usd, id="amount")
        yield Footer()

    def on_slider_changed(self, event: Slider.Changed) -> None:
        self.seen.append((event.control.id or "", event.value))


def threshold(pilot: Pilot[None]) -> Slider:
    return pilot.app.query_one("#threshold", Slider)


async def test_arrows_move_one_step_and_the_app_is_told() -> None:
    app = SliderApp()
    async with app.run_test() as pilot:
        await pilot.press("right", "right", "left", "right")
        await pilot.pause()
        assert threshold(pilot).value == 3000
        assert app.seen == [
            ("threshold", 2500),
            ("threshold", 3000),
            ("threshold", 2500),
            ("threshold", 3000),
        ]


async def test_big_steps_by_page_keys_and_shift_arrows() -> None:
    app = SliderApp()
    async with app.run_test() as pilot:
        await pilot.press("pageup")
        assert threshold(pilot).value == 7000
        await pilot.press("shift+right")
        assert threshold(pilot).value == 12000
        await pilot.press("pagedown", "shift+left")
        assert threshold(pilot).value == 2000


async def test_home_end_and_the_value_stays_in_range() -> None:
    app = SliderApp()
    async with app.run_test() as pilot:
        await pilot.press("end")
        assert threshold(pilot).value == 50000
        await pilot.press("right", "pageup")
        assert threshold(pilot).value == 50000
        await pilot.press("home", "left", "shift+left")
        assert threshold(pilot).value == 500
        await pilot.pause()
        assert app.seen[-1] == ("threshold", 500)


@pytest.mark.parametrize(
    ("given", "shown"), [(2249, 2000), (2250, 2500), (-10, 500), (10**9, 50000), (49999, 50000)]
)
async def test_values_snap_to_the_step(given: int, shown: int) -> None:
    app = SliderApp()
    async with app.run_test():
        slider = app.query_one("#threshold", Slider)
        slider.value = given
        assert slider.value == shown


async def test_the_end_of_the_track_is_the_last_step_within_max() -> None:
    slider = Slider(0, min=0, max=1050, step=100)
    assert slider.top == 1000
    slider.value = 1049
    assert slider.value == 1000


async def test_new_bounds_bring_the_value_back_in() -> None:
    app = SliderApp()
    async with app.run_test() as pilot:
        slider = threshold(pilot)
        slider.max = 1500
        await pilot.pause()
        assert slider.value == 1500
        assert app.seen[-1] == ("threshold", 1500)


async def test_a_click_on_the_track_sets_the_value() -> None:
    app = SliderApp()
    async with app.run_test(size=(80, 24)) as pilot:
        slider = threshold(pilot)
        # The far left of the track is the minimum; its far right the maximum.
        await pilot.click("#threshold", offset=(1, 0))
        assert slider.value == 500
        track_end = slider.size.width - 3 - len(usd(50000))
        await pilot.click("#threshold", offset=(track_end, 0))
        assert slider.value == 50000
        await pilot.pause()
        assert app.seen[-2:] == [("threshold", 500), ("threshold", 50000)]
        assert slider.has_focus


async def test_dragging_the_thumb_follows_the_mouse() -> None:
    app = SliderApp()
    async with app.run_test(size=(80, 24)) as pilot:
        slider = threshold(pilot)
        await pilot.mouse_down("#threshold", offset=(1, 0))
        assert slider.value == 500
        await pilot.hover("#threshold", offset=(30, 0))
        middle = slider.value
        await pilot.hover("#threshold", offset=(79, 0))  # on the label, past the track: the maximum
        await pilot.mouse_up("#threshold", offset=(79, 0))
        assert 500 < middle < 50000
        assert slider.value == 50000


async def test_disabled_ignores_keys_and_clicks() -> None:
    app = SliderApp(disabled=True)
    async with app.run_test() as pilot:
        slider = threshold(pilot)
        assert not slider.has_focus  # focus went to the next slider
        slider.action_increase()
        await pilot.click("#threshold", offset=(40, 0))
        await pilot.pause()
        assert slider.value == 2000
        assert app.seen == []


async def test_the_value_is_drawn_as_text_and_the_thumb_by_shape() -> None:
    app = SliderApp(ascii_only=True)
    async with app.run_test(size=(80, 24)) as pilot:
        line = "".join(s.text for s in threshold(pilot).render_line(0))
        assert line.rstrip().endswith("$20.00")
        assert line.startswith("[===O---") or line.startswith("[==O---")
        await pilot.press("end")
        line = "".join(s.text for s in threshold(pilot).render_line(0))
        assert "-" not in line
        assert line.rstrip().endswith("O] $500.00")


async def test_a_step_keeps_the_layout_and_size() -> None:
    """Moving the value must not move or resize anything: only this line is repainted."""
    app = SliderApp()
    async with app.run_test(size=(80, 24)) as pilot:
        slider = threshold(pilot)
        before = (slider.region, app.query_one("#amount").region)
        await pilot.press("end", "home", "pageup")
        await pilot.pause()
        assert (slider.region, app.query_one("#amount").region) == before


async def _focus_and_step(pilot: Pilot[None]) -> None:
    await pilot.pause()
    await pilot.press("right", "right")
    await pilot.pause()


def test_snapshot_80x24(snap_compare: SnapCompare) -> None:
    assert snap_compare(SliderApp(), terminal_size=(80, 24), run_before=_focus_and_step)


def test_snapshot_120x40(snap_compare: SnapCompare) -> None:
    assert snap_compare(SliderApp(), terminal_size=(120, 40), run_before=_focus_and_step)


def test_snapshot_disabled_ascii(snap_compare: SnapCompare) -> None:
    app = SliderApp(disabled=True, ascii_only=True)
    assert snap_compare(app, terminal_size=(80, 24), run_before=_focus_and_step)


async def test_configure_sets_everything_with_one_message() -> None:
    app = SliderApp()
    async with app.run_test() as pilot:
        threshold(pilot).configure(min=1000, max=20000, step=1000, value=7400)
        await pilot.pause()
        assert threshold(pilot).value == 7000
        assert app.seen == [("threshold", 7000)]
        threshold(pilot).configure(max=30000)
        await pilot.pause()
        assert app.seen == [("threshold", 7000)]


@given(
    st.integers(-(10**6), 10**6),
    st.integers(0, 10**6),
    st.integers(1, 10**4),
    st.integers(-(10**7), 10**7),
)
def test_any_value_lands_on_a_step_within_the_bounds(
    low: int, span: int, step: int, given_value: int
) -> None:
    slider = Slider(0, min=low, max=low + span, step=step)
    slider.value = given_value
    assert low <= slider.value <= low + span
    assert (slider.value - low) % step == 0
    assert abs(slider.value - min(max(given_value, low), slider.top)) <= step // 2 + step % 2
