"""One payment's receipt, as the server issued it; `ctrl+s` saves it as a PDF and says where."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Header, Static
from textual.worker import Worker

from credits_client.api.models import Receipt
from screens.base import AccountScreen
from screens.format import clean
from screens.messages import describe_error
from widgets.key_footer import KeyFooter


def receipt_body(receipt: Receipt) -> Text:
    """The receipt's lines, labels in bold and aligned; server text is never markup."""
    width = max(len(line.label) for line in receipt.lines) + 2
    body = Text()
    for line in receipt.lines:
        label = f"{clean(line.label)}:" if line.label else ""
        body.append(label.ljust(width), style="bold")
        body.append(clean(line.value) + "\n")
    body.rstrip()
    return body


class ReceiptScreen(AccountScreen):
    CSS_PATH = "receipt.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save_pdf", "Save PDF", id="receipt.save_pdf"),
        Binding("escape", "back", "Back", id="receipt.back"),
    ]

    def __init__(self, receipt_id: str) -> None:
        super().__init__()
        self.receipt_id = receipt_id
        self._receipt: Receipt | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="receipt-box"):
            yield Static("Loading the receipt...", id="receipt-body", markup=False)
        yield Static(id="receipt-saved", markup=False)
        yield KeyFooter(compact=True)

    def on_mount(self) -> None:
        self.query_one("#receipt-box").border_title = "Receipt"
        self.load_receipt()

    @work(exclusive=True, group="receipt", exit_on_error=False)
    async def load_receipt(self) -> None:
        receipt = await self.store.documents().receipt(self.receipt_id)
        self._receipt = receipt
        self.query_one("#receipt-box").border_title = f"Receipt {receipt.number:06d}"
        self.query_one("#receipt-body", Static).update(receipt_body(receipt))
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "save_pdf" and self._receipt is None:
            return None
        return True

    def action_save_pdf(self) -> None:
        if self._receipt is not None:
            self._say("Saving the PDF...", error=False)
            self.save_pdf(self._receipt)

    @work(exclusive=True, group="receipt-pdf", exit_on_error=False)
    async def save_pdf(self, receipt: Receipt) -> None:
        path = await self.store.documents().save_receipt_pdf(receipt)
        self._say(f"Saved as {path}", error=False)

    def show_error(self, worker: Worker[Any], error: BaseException) -> None:
        message = describe_error(error)[1]
        if worker.group == "receipt":
            self.query_one("#receipt-body", Static).update(f"No receipt to show: {message}")
        else:
            self._say(message, error=True)

    def _say(self, message: str, *, error: bool) -> None:
        line = self.query_one("#receipt-saved", Static)
        line.set_class(error, "-error")
        line.update(f"Error: {message}" if error else message)
