"""Every transaction, newest first; more load as the cursor nears the end; filter by kind.

`enter` on a payment opens its receipt; `e` exports the rows of the filter to a CSV file, with a
progress bar (the export streams from the server, however long the history)."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Header, Label, ProgressBar, Select, Static
from textual.widgets.data_table import ColumnKey
from textual.worker import Worker

from credits_client.api.export import ExportFilter
from credits_client.api.models import Transaction
from credits_client.state import AccountState
from credits_core.money import format_money
from screens.base import AccountScreen
from screens.format import KINDS, clean, signed_money
from screens.messages import describe_error
from screens.receipt import ReceiptScreen
from widgets.key_footer import KeyFooter

LOAD_AHEAD = 5  # rows from the end at which the next page is fetched
# Date, kind, amount and balance; the description takes what the screen has left.
FIXED_WIDTHS = {"date": 10, "kind": 13, "amount": 11, "balance": 11}
# A cell's padding (one each side) times five columns, and the vertical scrollbar.
TABLE_FRAME = 2 * 5 + 2


class HistoryTable(DataTable[Any]):
    """The history's rows; `enter` (DataTable's own key, hidden there) shows as "Receipt" in the
    Footer, greyed out on a row that has none."""

    BINDINGS = [Binding("enter", "select_cursor", "Receipt", id="transactions.receipt")]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "select_cursor":
            return self.screen.check_action("receipt", parameters)
        return True


class TransactionsScreen(AccountScreen):
    CSS_PATH = "transactions.tcss"
    AUTO_FOCUS = "#history"
    BINDINGS = [
        Binding("f", "filter", "Filter", id="transactions.filter"),
        Binding("e", "export", "Export CSV", id="transactions.export"),
        Binding("escape", "back", "Back", id="transactions.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._exporting = False
        self._shown: tuple[str, ...] = ()
        # The filter is this screen's own: the store keeps its rows apart from the dashboard's.
        self._kind: str | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="filter-row"):
            yield Label("Show", id="filter-label")
            yield Select(
                [(label, kind) for kind, label in KINDS.items()],
                prompt="All kinds",
                id="kind",
                compact=True,
            )
            yield Static(id="history-status", markup=False)
        yield HistoryTable(id="history", cursor_type="row", zebra_stripes=True)
        yield Static(id="history-empty", markup=False)
        with Horizontal(id="export-row"):
            yield ProgressBar(id="export-progress", show_eta=False)
            yield Static(id="export-status", markup=False)
        yield KeyFooter(compact=True)

    def on_mount(self) -> None:
        table = self.query_one("#history", DataTable)
        table.add_column("Date", key="date", width=FIXED_WIDTHS["date"])
        table.add_column("Kind", key="kind", width=FIXED_WIDTHS["kind"])
        table.add_column("Description", key="what", width=self._description_width())
        table.add_column("Amount", key="amount", width=FIXED_WIDTHS["amount"])
        table.add_column("Balance", key="balance", width=FIXED_WIDTHS["balance"])

    def _rows(self, state: AccountState) -> tuple[tuple[Transaction, ...], bool]:
        """The rows of this screen's filter, and whether they are all there is."""
        if self._kind is None:
            return state.transactions, state.transactions_complete
        shown = state.history_filter
        if shown is None or shown.kind != self._kind:
            return (), False  # the first page of this kind is on its way
        return shown.transactions, shown.complete

    def _description_width(self) -> int:
        return max(12, self.app.size.width - sum(FIXED_WIDTHS.values()) - TABLE_FRAME)

    def on_resize(self) -> None:
        """Fit the description to the new width: the amount and balance always show whole."""
        table = self.query_one("#history", DataTable)
        column = table.columns[ColumnKey("what")]
        if column.width != self._description_width():
            column.width = self._description_width()
            table.clear()
            self._shown = ()
            self.show_state(self.state)

    def show_state(self, state: AccountState) -> None:
        currency = state.account.currency if state.account else "USD"
        table = self.query_one("#history", DataTable)
        rows, complete = self._rows(state)
        ids = tuple(item.id for item in rows)
        if ids[: len(self._shown)] != self._shown:
            table.clear()
            self._shown = ()
        for item in rows[len(self._shown) :]:
            table.add_row(
                item.created_at.strftime("%Y-%m-%d"),
                KINDS.get(item.kind, item.kind),
                # Server text: never markup. Cut with an ellipsis to the column, not wrapped.
                Text(clean(item.description), no_wrap=True, overflow="ellipsis"),
                signed_money(item, currency),
                format_money(item.balance_after, currency),
                key=item.id,
            )
        self._shown = ids
        status = self.query_one("#history-status", Static)
        if state.busy("history"):
            status.update("Loading more...")
        elif complete:
            status.update(f"{len(ids)} shown, that is all")
        else:
            status.update(f"{len(ids)} shown, more below")
        empty = self.query_one("#history-empty", Static)
        empty.display = not ids and complete and not state.busy("history")
        empty.update("No transactions of this kind yet.")
        table.display = bool(ids)

    @on(DataTable.RowHighlighted, "#history")
    def _near_end(self, event: DataTable.RowHighlighted) -> None:
        state = self.state
        near = event.cursor_row >= event.data_table.row_count - LOAD_AHEAD
        if near and not self._rows(state)[1] and not state.busy("history"):
            self.load_more(self._kind)

    @on(Select.Changed, "#kind")
    def _kind_changed(self, event: Select.Changed) -> None:
        kind = None if event.value is Select.NULL else str(event.value)
        if kind != self._kind:
            self._kind = kind
            self.show_state(self.state)
            self.start_filter(kind)

    def action_filter(self) -> None:
        self.query_one("#kind", Select).focus()

    def _highlighted(self) -> Transaction | None:
        table = self.query_one("#history", DataTable)
        if table.row_count == 0:
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        rows = self._rows(self.state)[0]
        return next((item for item in rows if item.id == row_key.value), None)

    @on(DataTable.RowSelected, "#history")
    def action_receipt(self) -> None:
        item = self._highlighted()
        if item is None:
            return
        if item.receipt_id is None:
            self.notify("Only top-ups and auto-recharges have a receipt.", title="No receipt")
            return
        self.app.push_screen(ReceiptScreen(item.receipt_id))

    @on(DataTable.RowHighlighted, "#history")
    def _receipt_key(self) -> None:
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "receipt":
            item = self._highlighted()
            return None if item is None or item.receipt_id is None else True
        if action == "export" and self._exporting:
            return None
        return True

    def action_export(self) -> None:
        self._exporting = True
        self.refresh_bindings()
        row = self.query_one("#export-row")
        row.display = True
        self.query_one("#export-progress", ProgressBar).update(total=None, progress=0)
        self.query_one("#export-status", Static).update("Exporting...")
        self.export_csv(ExportFilter(kind=self._kind))

    @work(exclusive=True, group="export", exit_on_error=False)
    async def export_csv(self, which: ExportFilter) -> None:
        bar = self.query_one("#export-progress", ProgressBar)

        def progress(done: int, total: int) -> None:
            bar.update(total=max(total, 1), progress=done)

        try:
            path, rows = await self.store.documents().export_csv(which, progress=progress)
        finally:
            self._exporting = False
            self.refresh_bindings()
        noun = "row" if rows == 1 else "rows"
        self.query_one("#export-status", Static).update(f"{rows:,} {noun} saved as {path}")
        self.notify(str(path), title=f"Exported {rows:,} {noun}", markup=False)

    def show_error(self, worker: Worker[Any], error: BaseException) -> None:
        if worker.group == "export":
            message = describe_error(error)[1]
            self.query_one("#export-status", Static).update(f"Export failed: {message}")
        super().show_error(worker, error)

    @work(exclusive=True, group="history", exit_on_error=False)
    async def load_more(self, kind: str | None) -> None:
        await self.store.load_more_transactions(kind)

    @work(exclusive=True, group="history", exit_on_error=False)
    async def start_filter(self, kind: str | None) -> None:
        await self.store.filter_transactions(kind)

    def on_unmount(self) -> None:
        # Nobody else shows the filtered rows: drop them with the screen that asked for them.
        if self.state.history_filter is not None:
            self.store.drop_filter()
