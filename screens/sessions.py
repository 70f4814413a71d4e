"""Where the signed-in person is signed in (created, last used, address and program); any of
those sessions can be signed out from here."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Header, Static
from textual.worker import Worker

from credits_client.api.models import SignedIn
from screens.base import AccountScreen, credits_app
from screens.confirm import ConfirmScreen
from screens.format import clean
from screens.messages import describe_error
from widgets.key_footer import KeyFooter


def _when(moment: datetime | None) -> str:
    return moment.strftime("%b %d %H:%M") if moment is not None else "-"


def where(session: SignedIn) -> str:
    """The address and program a session was last used from, as far as the server knows."""
    parts = [session.client_address, session.user_agent]
    text = clean(" ".join(p for p in parts if p)) or "unknown"
    return f"{text} (this one)" if session.current else text


class SessionsScreen(AccountScreen):
    CSS_PATH = "team.tcss"
    AUTO_FOCUS = "#sessions"
    BINDINGS = [
        Binding("ctrl+r", "end", "Sign out there", id="sessions.end"),
        Binding("escape", "back", "Back", id="sessions.back"),
    ]

    _sessions: dict[str, SignedIn] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="sessions-box"):
            yield Static(
                "Where you are signed in. Sign out any you do not recognise.",
                classes="muted",
            )
            yield DataTable(id="sessions", cursor_type="row")
            yield Static(id="sessions-result", markup=False)
        yield KeyFooter(compact=True)

    def on_mount(self) -> None:
        self.query_one("#sessions-box").border_title = "Sessions"
        table = self.query_one("#sessions", DataTable)
        table.add_column("Where", key="where")
        table.add_column("Signed in", key="created", width=12)
        table.add_column("Last used", key="used", width=12)
        self.load_sessions()

    @work(exclusive=True, group="sessions", exit_on_error=False)
    async def load_sessions(self, said: str | None = None) -> None:
        found = await self.store.sessions().list()
        self._sessions = {s.id: s for s in found}
        table = self.query_one("#sessions", DataTable)
        table.clear()
        for session in found:
            table.add_row(
                Text(where(session)),
                _when(session.created_at),
                _when(session.last_used_at),
                key=session.id,
            )
        if said is not None:
            self._say(said, error=False)
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "end" and self.query_one("#sessions", DataTable).row_count == 0:
            return None
        return True

    def action_end(self) -> None:
        table = self.query_one("#sessions", DataTable)
        if table.row_count == 0:
            return
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        chosen = self._sessions[str(row_key.value)]

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            if chosen.current:
                credits_app(self.app).sign_out()
            else:
                self.end_session(chosen.id)

        question = (
            "Sign out of this app here?"
            if chosen.current
            else f"Sign out the session at {where(chosen)}? It will have to sign in again."
        )
        self.app.push_screen(ConfirmScreen(question, yes="Sign out", no="Keep"), answered)

    @work(exclusive=True, group="sessions-end", exit_on_error=False)
    async def end_session(self, session_id: str) -> None:
        await self.store.sessions().end(session_id)
        self.load_sessions("Signed out there.")

    def show_error(self, worker: Worker[Any], error: BaseException) -> None:
        self._say(describe_error(error)[1], error=True)

    def _say(self, message: str, *, error: bool) -> None:
        line = self.query_one("#sessions-result", Static)
        line.set_class(error, "-error")
        line.update(f"Error: {message}" if error else message)
