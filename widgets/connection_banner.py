"""One line that says the app is not talking to the server; hidden while it is."""

from __future__ import annotations

from textual.reactive import reactive
from textual.widgets import Static

from credits_client.state import Connection
from widgets.glyphs import use_ascii

_WORDS: dict[Connection, str] = {
    "connecting": "Connecting…",
    "reconnecting": "Reconnecting…",
    "offline": "Offline — retrying…",
}


class ConnectionBanner(Static):
    """Shows "Offline — retrying…", "Reconnecting…" or "Connecting…" on one line.

    Set `status` (the store's `AccountState.connection`); "online" hides the banner. `detail`
    adds a few plain words after the status (say, "changes are kept"), shown as text, not markup.
    """

    DEFAULT_CSS = """
    ConnectionBanner {
        height: 1;
        width: 1fr;
        padding: 0 1;
        background: $warning-muted;
        color: $text;
        text-style: bold;
        display: none;
        &.-offline { background: $error-muted; }
        &.-visible { display: block; }
        &:ansi { background: ansi_yellow; color: ansi_black; }
        &:ansi.-offline { background: ansi_red; color: ansi_white; }
    }
    """

    status: reactive[Connection] = reactive("online", init=False)
    """The connection as the store sees it."""
    detail: reactive[str] = reactive("", init=False)
    """Extra words after the status, or empty."""

    def __init__(
        self,
        status: Connection = "online",
        *,
        ascii_only: bool | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__("", markup=False, name=name, id=id, classes=classes)
        self._ascii = use_ascii(self, ascii_only)
        self.set_reactive(ConnectionBanner.status, status)

    def on_mount(self) -> None:
        self._show()

    def watch_status(self) -> None:
        self._show()

    def watch_detail(self) -> None:
        self._show()

    @property
    def text(self) -> str:
        """What the banner says now ("" when online)."""
        words = _WORDS.get(self.status, "")
        if words and self.detail:
            words = f"{words} {self.detail}"
        if self._ascii:
            words = words.replace("—", "-").replace("…", "...")
        return words

    def _show(self) -> None:
        self.update(self.text)
        self.set_class(self.status != "online", "-visible")
        self.set_class(self.status == "offline", "-offline")
