"""A list read page by page from the server, newest first, with a filter by kind.

The owner passes each new `Page` down (`show`), built from the store's state; the table asks for
what it wants with messages: `MoreWanted` as the cursor nears the last row of a list with more to
come, `KindChosen` when another filter is picked. It keeps no rows of its own beyond what it drew.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from rich.console import RenderableType
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import DataTable, Label, Select, Static

LOAD_AHEAD = 5  # rows from the end at which the next page is asked for


class Keyed(Protocol):
    @property
    def id(self) -> str: ...


T = TypeVar("T", bound=Keyed)


@dataclass(frozen=True, slots=True)
class Column:
    label: str
    key: str
    width: int


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """What the list shows: its rows so far, whether they are all there is, whether more are
    on their way."""

    rows: tuple[T, ...] = ()
    complete: bool = False
    loading: bool = False


@dataclass(frozen=True, slots=True)
class Texts:
    """The words of one list: its kinds (filter value: label), the filter's prompt for all of
    them, the loading line and the empty state."""

    kinds: Mapping[str, str]
    everything: str
    loading: str
    empty: str


class PagedTable(Vertical, Generic[T]):
    """A filter row (label, kinds, status), the rows, and the line shown when there are none.

    `table` is the DataTable to fill (a subclass may add keys); its id names the parts around it:
    `#ID-kind` (the filter), `#ID-status`, `#ID-empty`. `columns(width)` gives the columns for a
    screen `width` columns wide; `cells(row)` a row's cell for each column key.
    """

    DEFAULT_CSS = """
    PagedTable {
        height: 1fr;
    }
    PagedTable > .paged-filter-row {
        height: 1;
        margin: 1 1 0 1;
    }
    PagedTable .paged-filter-label {
        width: 6;
    }
    PagedTable .paged-kind {
        width: 22;
    }
    PagedTable .paged-status {
        width: 1fr;
        text-align: right;
        color: $text-muted;
    }
    PagedTable > .paged-rows {
        height: 1fr;
        margin-top: 1;
    }
    PagedTable > .paged-empty {
        height: 1fr;
        content-align: center middle;
        color: $text-muted;
    }
    """

    class MoreWanted(Message):
        """The cursor nears the last row and more are to come: the next page of `kind`."""

        def __init__(self, kind: str | None) -> None:
            super().__init__()
            self.kind = kind

    class KindChosen(Message):
        """Another filter was picked: `kind` (None: everything) from its newest row."""

        def __init__(self, kind: str | None) -> None:
            super().__init__()
            self.kind = kind

    def __init__(
        self,
        table: DataTable[Any],
        *,
        texts: Texts,
        columns: Callable[[int], Sequence[Column]],
        cells: Callable[[T], Mapping[str, RenderableType]],
    ) -> None:
        super().__init__()
        table.cursor_type = "row"
        table.zebra_stripes = True
        self._table = table
        self._name = table.id or "paged"
        self._texts = texts
        self._columns_for = columns
        self._cells = cells
        self._columns: tuple[Column, ...] = ()
        self._page: Page[T] = Page()
        self._shown: tuple[str, ...] = ()
        self._failed: str | None = None
        self.kind: str | None = None
        """The filter picked, None for everything."""

    def compose(self) -> ComposeResult:
        with Horizontal(classes="paged-filter-row"):
            yield Label("Show", classes="paged-filter-label")
            yield Select(
                [(label, kind) for kind, label in self._texts.kinds.items()],
                prompt=self._texts.everything,
                id=f"{self._name}-kind",
                classes="paged-kind",
                compact=True,
            )
            yield Static(id=f"{self._name}-status", classes="paged-status", markup=False)
        self._table.add_class("paged-rows")
        yield self._table
        yield Static(id=f"{self._name}-empty", classes="paged-empty", markup=False)

    def on_mount(self) -> None:
        self._fit_columns()

    def on_resize(self) -> None:
        self._fit_columns()

    def _fit_columns(self) -> None:
        """Columns for the screen's width; all rows again when they change."""
        columns = tuple(self._columns_for(self.app.size.width))
        if columns == self._columns:
            return
        self._columns = columns
        self._table.clear(columns=True)
        for column in columns:
            self._table.add_column(column.label, key=column.key, width=column.width)
        self._shown = ()
        self.show(self._page)

    def show(self, page: Page[T]) -> None:
        """Draw `page`: only the rows past those already drawn, unless the list changed."""
        self._page = page
        if not self._columns:
            return  # not mounted yet: drawn once the columns are there
        table = self._table
        keys = tuple(row.id for row in page.rows)
        if keys[: len(self._shown)] != self._shown:
            table.clear()
            self._shown = ()
        for row in page.rows[len(self._shown) :]:
            cells = self._cells(row)
            table.add_row(*(cells[column.key] for column in self._columns), key=row.id)
        self._shown = keys
        if page.loading:
            self._failed = None
        self._status(self._failed or self._count(page))
        empty = self.query_one(f"#{self._name}-empty", Static)
        empty.display = not keys and page.complete and not page.loading
        empty.update(self._texts.empty)
        table.display = bool(keys)

    def fail(self, message: str) -> None:
        """Say in the status line why the last page did not come (until the next one is asked)."""
        self._failed = message
        self._status(message)

    def _count(self, page: Page[T]) -> str:
        if page.loading:
            return self._texts.loading
        more = "that is all" if page.complete else "more below"
        return f"{len(page.rows)} shown, {more}"

    def _status(self, text: str) -> None:
        self.query_one(f"#{self._name}-status", Static).update(text)

    def focus_filter(self) -> None:
        self.query_one(f"#{self._name}-kind", Select).focus()

    @on(DataTable.RowHighlighted)
    def _near_end(self, event: DataTable.RowHighlighted) -> None:
        page = self._page
        near = event.cursor_row >= event.data_table.row_count - LOAD_AHEAD
        if near and not page.complete and not page.loading:
            self.post_message(self.MoreWanted(self.kind))

    @on(Select.Changed)
    def _kind_changed(self, event: Select.Changed) -> None:
        event.stop()
        kind = None if event.value is Select.NULL else str(event.value)
        if kind != self.kind:
            self.kind = kind
            self._failed = None
            self.post_message(self.KindChosen(kind))
