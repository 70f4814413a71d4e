"""The preset amounts grid: arrows move, digits and enter pick, the app is told the amount."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import Footer, Input, Label

from widgets.amount_grid import AmountCell, AmountGrid

SnapCompare = Callable[..., bool]
PRESETS = (1000, 2500, 5000, 10000, 25000, 50000)


class GridApp(App[None]):
    """The top of the add-credits screen: the grid, then a custom amount field."""

    def __init__(self, *, ascii_only: bool = False, presets: tuple[int, ...] = PRESETS) -> None:
        super().__init__()
        self.picked: list[int] = []
        self._ascii = ascii_only
        self._presets = presets

    def compose(self) -> ComposeResult:
        yield Label("Add credits: pick an amount")
        yield AmountGrid(self._presets, "USD", ascii_only=self._ascii)
        yield Input(placeholder="Another amount")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(Input).cursor_blink = False

    def on_amount_grid_selected(self, event: AmountGrid.Selected) -> None:
        self.picked.append(event.amount)


def cells(pilot: Pilot[None]) -> list[str]:
    return [str(cell.render()).strip() for cell in pilot.app.query(AmountCell)]


async def test_a_digit_picks_that_amount() -> None:
    app = GridApp()
    async with app.run_test() as pilot:
        await pilot.press("3")
        await pilot.pause()
        assert app.picked == [5000]
        assert cells(pilot)[2] == "▸ 3  $50.00 ✓"


async def test_arrows_move_and_enter_picks() -> None:
    app = GridApp()
    async with app.run_test() as pilot:
        await pilot.press("right", "right", "right", "down", "left", "up", "enter")
        await pilot.pause()
        assert app.picked == [2500]
        await pilot.press("down", "down", "right", "right", "enter")
        await pilot.pause()
        assert app.picked == [2500, 50000]
        assert cells(pilot)[5] == "▸ 6  $500.00 ✓"
        assert cells(pilot)[1] == "2  $25.00"


async def test_digits_beyond_the_count_do_nothing() -> None:
    app = GridApp(presets=(1000, 2000))
    async with app.run_test() as pilot:
        await pilot.press("5", "9")
        await pilot.pause()
        assert app.picked == []
        await pilot.press("2")
        await pilot.pause()
        assert app.picked == [2000]


async def test_a_click_picks_a_cell() -> None:
    app = GridApp()
    async with app.run_test() as pilot:
        await pilot.click(list(app.query(AmountCell))[3])
        await pilot.pause()
        assert app.picked == [10000]


async def test_without_focus_only_the_pick_is_marked() -> None:
    app = GridApp(ascii_only=True)
    async with app.run_test() as pilot:
        await pilot.press("4", "tab")
        await pilot.pause()
        assert cells(pilot)[3] == "4  $100.00 *"
        assert all(">" not in text for text in cells(pilot))


async def test_new_amounts_replace_the_cells() -> None:
    app = GridApp()
    async with app.run_test() as pilot:
        app.query_one(AmountGrid).set_amounts([500, 1500], "EUR")
        await pilot.pause()
        assert cells(pilot) == ["▸ 1  €5.00", "2  €15.00"]
        await pilot.press("2")
        await pilot.pause()
        assert app.picked == [1500]


async def _move(pilot: Pilot[None]) -> None:
    await pilot.pause()
    await pilot.press("2", "down")
    await pilot.pause()


def test_snapshot_80x24(snap_compare: SnapCompare) -> None:
    assert snap_compare(GridApp(), terminal_size=(80, 24), run_before=_move)


def test_snapshot_120x40(snap_compare: SnapCompare) -> None:
    assert snap_compare(GridApp(), terminal_size=(120, 40), run_before=_move)


def test_snapshot_ascii_80x24(snap_compare: SnapCompare) -> None:
    assert snap_compare(GridApp(ascii_only=True), terminal_size=(80, 24), run_before=_move)
