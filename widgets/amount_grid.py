"""The preset top-up amounts as a small grid: arrows move, a digit or enter picks."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Static

from credits_core.money import format_money
from widgets.glyphs import use_ascii


class AmountCell(Static):
    """One amount of the grid; drawn by the grid, which owns the focus."""

    def __init__(self, index: int) -> None:
        super().__init__(markup=False, classes="amount-cell")
        self.index = index


class AmountGrid(Widget, can_focus=True):
    """Preset amounts in `columns` columns, one tab stop for the whole grid.

    The highlighted cell is marked with `>`-like arrow (and colour) while the grid has focus; the
    picked one with a tick, so both read without colour. Picking (a digit key, enter on the
    highlighted cell, or a click) posts `AmountGrid.Selected`; moving posts `Highlighted`.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "move(-1, 0)", "Previous amount", show=False, id="amounts.left"),
        Binding("right", "move(1, 0)", "Next amount", show=False, id="amounts.right"),
        Binding("up", "move(0, -1)", "Amount above", show=False, id="amounts.up"),
        Binding("down", "move(0, 1)", "Amount below", show=False, id="amounts.down"),
        Binding("enter", "select", "Choose amount", id="amounts.select"),
        *(
            Binding(str(n), f"pick({n})", f"Amount {n}", show=False, id=f"amounts.pick{n}")
            for n in range(1, 10)
        ),
    ]
    """
    | Key(s) | Description |
    | :- | :- |
    | arrows | Move the highlight. |
    | enter | Choose the highlighted amount. |
    | 1-9 | Choose the amount with that number. |
    """

    DEFAULT_CSS = """
    AmountGrid {
        layout: grid;
        grid-size: 3;
        grid-gutter: 1 2;
        grid-rows: 1;
        height: auto;
        width: 1fr;
        max-width: 72;
        & > .amount-cell {
            height: 1;
            width: 1fr;
            content-align: center middle;
            background: $boost;
            &.-selected { text-style: bold; color: $success; }
        }
        &:focus > .amount-cell.-highlighted {
            background: $primary;
            color: $text;
            text-style: bold;
        }
        &:ansi > .amount-cell { background: ansi_default; }
        &:ansi:focus > .amount-cell.-highlighted { text-style: reverse bold; }
    }
    """

    amounts: reactive[tuple[int, ...]] = reactive((), init=False)
    """The amounts offered, in minor units of `currency`."""
    cursor: reactive[int] = reactive(0, init=False)
    """The index of the highlighted amount."""
    selected: reactive[int | None] = reactive(None, init=False)
    """The amount picked, or None."""

    class Selected(Message):
        """An amount was picked; handle as `on_amount_grid_selected`."""

        def __init__(self, grid: AmountGrid, amount: int) -> None:
            super().__init__()
            self.grid = grid
            self.amount = amount

        @property
        def control(self) -> AmountGrid:
            return self.grid

    class Highlighted(Message):
        """The highlight moved to an amount; handle as `on_amount_grid_highlighted`."""

        def __init__(self, grid: AmountGrid, amount: int) -> None:
            super().__init__()
            self.grid = grid
            self.amount = amount

        @property
        def control(self) -> AmountGrid:
            return self.grid

    def __init__(
        self,
        amounts: tuple[int, ...] | list[int] = (),
        currency: str = "USD",
        *,
        selected: int | None = None,
        columns: int = 3,
        ascii_only: bool | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        """A grid of amounts.

        Args:
            amounts: The amounts in minor units (at most 9 get a number key).
            currency: Their ISO 4217 currency.
            selected: An amount to show as already picked (and highlight).
            columns: How many cells a row has.
            ascii_only: Mark cells with ASCII only; None: the app's `ascii` setting.
        """
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self.currency = currency
        self._columns = columns
        ascii_marks = use_ascii(self, ascii_only)
        self._marks = (">", "*") if ascii_marks else ("▸", "✓")
        self.set_reactive(AmountGrid.amounts, tuple(amounts))
        self.set_reactive(AmountGrid.selected, selected)
        if selected in self.amounts:
            self.set_reactive(AmountGrid.cursor, self.amounts.index(selected))
        self.styles.grid_size_columns = columns

    def set_amounts(self, amounts: tuple[int, ...] | list[int], currency: str) -> None:
        """Offer other amounts (say, when the top-up options arrive)."""
        self.currency = currency
        self.cursor = 0
        self.amounts = tuple(amounts)

    def compose(self) -> ComposeResult:
        for index in range(len(self.amounts)):
            yield AmountCell(index)

    def on_mount(self) -> None:
        self._paint()

    def _paint(self, focused: bool | None = None) -> None:
        """Give every cell its words and marks (only the cells whose text changes repaint)."""
        focused = self.has_focus if focused is None else focused
        pointer, tick = self._marks
        for cell in self.query(AmountCell):
            amount = self.amounts[cell.index]
            here = cell.index == self.cursor
            picked = amount == self.selected
            key = f"{cell.index + 1}  " if cell.index < 9 else ""
            text = (
                f"{pointer if here and focused else ' '} {key}{format_money(amount, self.currency)}"
            )
            cell.update(Text(f"{text} {tick if picked else ' '}"))
            cell.set_class(here, "-highlighted")
            cell.set_class(picked, "-selected")

    async def watch_amounts(self) -> None:
        await self.remove_children()
        await self.mount_all(AmountCell(index) for index in range(len(self.amounts)))
        self._paint()

    def watch_cursor(self) -> None:
        self._paint()

    def watch_selected(self) -> None:
        self._paint()

    def on_focus(self) -> None:
        self._paint(focused=True)

    def on_blur(self) -> None:
        # Focus may not have left yet when Blur is handled: say so explicitly.
        self._paint(focused=False)

    def validate_cursor(self, cursor: int) -> int:
        return min(max(cursor, 0), max(len(self.amounts) - 1, 0))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "pick" and parameters:
            number = parameters[0]
            return isinstance(number, int) and number <= len(self.amounts)
        return True

    def action_move(self, across: int, down: int) -> None:
        """Move the highlight across a row or up and down a column."""
        row, column = divmod(self.cursor, self._columns)
        column += across
        target = (row + down) * self._columns + column
        if 0 <= column < self._columns and 0 <= target < len(self.amounts):
            self.cursor = target
            self.post_message(self.Highlighted(self, self.amounts[target]))

    def action_select(self) -> None:
        """Pick the highlighted amount."""
        self._pick(self.cursor)

    def action_pick(self, number: int) -> None:
        """Pick the amount numbered `number` (from 1)."""
        self._pick(number - 1)

    def _pick(self, index: int) -> None:
        if self.disabled or not 0 <= index < len(self.amounts):
            return
        self.cursor = index
        self.selected = self.amounts[index]
        self.post_message(self.Selected(self, self.amounts[index]))

    def on_click(self, event: events.Click) -> None:
        if isinstance(event.widget, AmountCell):
            event.stop()
            self.focus()
            self._pick(event.widget.index)
