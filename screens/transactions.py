"""Every transaction, newest first; more load as the cursor nears the end; filter by kind.

`enter` on a payment opens its receipt; `e` exports the rows of the filter to a CSV file, with a
progress bar (the export streams from the server, however long the history)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.console import RenderableType
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Header, ProgressBar, Static
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
from widgets.paged_table import Column, Page, PagedTable, Texts

# Date, kind, amount and balance; the description takes what the screen has left.
FIXED_WIDTHS = {"date": 10, "kind": 13, "amount": 11, "balance": 11}
# A cell's padding (one each side) times five columns, and the vertical scrollbar.
TABLE_FRAME = 2 * 5 + 2
TEXTS = Texts(
    KINDS,
    everything="All kinds",
    loading="Loading more...",
    empty="No transactions of this kind yet.",
)


def columns(width: int) -> list[Column]:
    """The columns at a screen `width` wide: the amount and balance always show whole."""
    what = max(12, width - sum(FIXED_WIDTHS.values()) - TABLE_FRAME)
    return [
        Column("Date", "date", FIXED_WIDTHS["date"]),
        Column("Kind", "kind", FIXED_WIDTHS["kind"]),
        Column("Description", "what", what),
        Column("Amount", "amount", FIXED_WIDTHS["amount"]),
        Column("Balance", "balance", FIXED_WIDTHS["balance"]),
    ]


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
        # The filter is this screen's own: the store keeps its rows apart from the dashboard's.
        self._kind: str | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield PagedTable(
            HistoryTable(id="history"),
            texts=TEXTS,
            columns=columns,
            cells=self._cells,
        )
        with Horizontal(id="export-row"):
            yield ProgressBar(id="export-progress", show_eta=False)
            yield Static(id="export-status", markup=False)
        yield KeyFooter(compact=True)

    def _cells(self, item: Transaction) -> Mapping[str, RenderableType]:
        account = self.state.account
        currency = account.currency if account else "USD"
        return {
            "date": item.created_at.strftime("%Y-%m-%d"),
            "kind": KINDS.get(item.kind, item.kind),
            # Server text: never markup. Cut with an ellipsis to the column, not wrapped.
            "what": Text(clean(item.description), no_wrap=True, overflow="ellipsis"),
            "amount": signed_money(item, currency),
            "balance": format_money(item.balance_after, currency),
        }

    def _rows(self, state: AccountState) -> tuple[tuple[Transaction, ...], bool]:
        """The rows of this screen's filter, and whether they are all there is."""
        if self._kind is None:
            return state.transactions, state.transactions_complete
        shown = state.history_filter
        if shown is None or shown.kind != self._kind:
            return (), False  # the first page of this kind is on its way
        return shown.transactions, shown.complete

    def show_state(self, state: AccountState) -> None:
        rows, complete = self._rows(state)
        self.query_one(PagedTable).show(Page(rows, complete, state.busy("history")))

    @on(PagedTable.MoreWanted)
    def _more(self, event: PagedTable.MoreWanted) -> None:
        self.load_more(event.kind)

    @on(PagedTable.KindChosen)
    def _kind_chosen(self, event: PagedTable.KindChosen) -> None:
        self._kind = event.kind
        self.show_state(self.state)
        self.start_filter(event.kind)

    def action_filter(self) -> None:
        self.query_one(PagedTable).focus_filter()

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
