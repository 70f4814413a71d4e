"""A link to open elsewhere, whole on a line of its own, and under it its QR code beside a few
words: how the 3-D Secure wait and the secure payment page show where to go."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from screens.base import show_text
from screens.qr import qr_text


class LinkAndCode(Vertical):
    """The link has a full-width line of its own: beside the QR code it would wrap mid-word at
    80x24, and the terminal's selection would copy it in two broken pieces."""

    DEFAULT_CSS = """
    LinkAndCode {
        height: auto;
    }
    LinkAndCode #action-url {
        width: 1fr;
        text-style: bold;
    }
    LinkAndCode #action-row {
        height: auto;
    }
    LinkAndCode #action-qr {
        width: auto;
        margin-right: 2;
    }
    LinkAndCode #action-text {
        width: 1fr;
    }
    """

    _url_shown: str | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="action-url", markup=False)
        with Horizontal(id="action-row"):
            yield Static(id="action-qr", markup=False)
            yield Static(id="action-text", markup=False)

    def show(self, url: str, text: str, *, code: bool = True) -> None:
        """`url` on its line (its QR code under it when `code`), `text` beside the code."""
        if url != self._url_shown:
            self._url_shown = url
            self.query_one("#action-url", Static).update(url)
            self.query_one("#action-qr", Static).update(qr_text(url) if code else "")
        self.query_one("#action-qr").display = code
        show_text(self.query_one("#action-text", Static), text)
