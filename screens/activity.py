"""The account's audit trail, newest first: who did what, when and from where; more load as the
cursor nears the end; filter by what was changed."""

from __future__ import annotations

import json
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Header, Label, Select, Static
from textual.worker import Worker

from credits_client.api.models import ActivityItem
from screens.base import AccountScreen
from screens.format import clean
from screens.messages import describe_error
from widgets.key_footer import KeyFooter

LOAD_AHEAD = 5  # rows from the end at which the next page is fetched
# What changed, by the start of its action (the server's `kind` filter), for the filter...
KINDS = {
    "ledger": "Money",
    "topup": "Payments",
    "card": "Cards",
    "auto_recharge": "Auto-recharge",
    "user": "Users",
    "session": "Sign-ins",
    "support_request": "Support",
    "ssh_key": "SSH keys",
    "password_reset": "Password resets",
    "account": "Account",
}
# ...and one of them, for a row.
THINGS = {
    "ledger": "Ledger entry",
    "topup": "Payment",
    "card": "Card",
    "auto_recharge": "Auto-recharge",
    "user": "User",
    "session": "Session",
    "support_request": "Support request",
    "ssh_key": "SSH key",
    "password_reset": "Reset code",
    "account": "Account",
}
VERBS = {"created": "added", "updated": "changed", "deleted": "removed"}
SAID = {"session.created": "Signed in", "session.deleted": "Signed out"}
ACTORS = {"operator": "operator", "api_key": "API key"}
# When, who and where; the action takes what the screen has left. Where is shown from
# WIDE_FROM columns: at 80 the action needs the room more.
FIXED_WIDTHS = {"when": 16, "who": 20, "from": 15}
WIDE_FROM = 100


def describe(item: ActivityItem) -> str:
    """`card.created` with its values as "Card added: brand=visa, last4=4242"."""
    area, _, change = item.action.partition(".")
    what = SAID.get(item.action) or f"{THINGS.get(area, area)} {VERBS.get(change, change)}"
    values = item.after if item.after is not None else item.before
    if not values:
        return what
    shown = ", ".join(
        f"{key}={value if isinstance(value, str) else json.dumps(value)}"
        for key, value in values.items()
        if value is not None
    )
    return f"{what}: {shown}"


def who(item: ActivityItem) -> str:
    if item.actor_kind == "user":
        return item.actor
    if item.actor_kind == "system":
        return "the service"
    return f"{ACTORS.get(item.actor_kind, item.actor_kind)} {item.actor}".strip()


class ActivityScreen(AccountScreen):
    CSS_PATH = "activity.tcss"
    AUTO_FOCUS = "#activity"
    BINDINGS = [
        Binding("f", "filter", "Filter", id="activity.filter"),
        Binding("escape", "back", "Back", id="activity.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._kind: str | None = None
        self._items: list[ActivityItem] = []
        self._cursor: str | None = None
        self._complete = False
        self._loading = False
        self._built_for = -1  # the screen width the columns were made for

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="activity-filter-row"):
            yield Label("Show", id="activity-filter-label")
            yield Select(
                [(label, kind) for kind, label in KINDS.items()],
                prompt="Everything",
                id="activity-kind",
                compact=True,
            )
            yield Static(id="activity-status", markup=False)
        yield DataTable(id="activity", cursor_type="row", zebra_stripes=True)
        yield Static(id="activity-empty", markup=False)
        yield KeyFooter(compact=True)

    def on_mount(self) -> None:
        self._columns()
        self._show()
        self.load(None, None)

    def _wide(self) -> bool:
        return self.app.size.width >= WIDE_FROM

    def _columns(self) -> None:
        """The columns for the screen's width: the action takes what the others leave."""
        self._built_for = self.app.size.width
        table = self.query_one("#activity", DataTable)
        table.clear(columns=True)
        fixed = ["when", "who", "from"] if self._wide() else ["when", "who"]
        # A cell's padding (one each side) per column, and the vertical scrollbar.
        frame = 2 * (len(fixed) + 1) + 2
        what = max(12, self.app.size.width - sum(FIXED_WIDTHS[key] for key in fixed) - frame)
        table.add_column("When (UTC)", key="when", width=FIXED_WIDTHS["when"])
        table.add_column("Who", key="who", width=FIXED_WIDTHS["who"])
        table.add_column("What", key="what", width=what)
        if self._wide():
            table.add_column("From", key="from", width=FIXED_WIDTHS["from"])
        self._add_rows(self._items)

    def on_resize(self) -> None:
        if self.app.size.width != self._built_for:
            self._columns()

    def _add_rows(self, items: list[ActivityItem]) -> None:
        table = self.query_one("#activity", DataTable)
        wide = self._wide()
        for item in items:
            # Server text: never markup, cut with an ellipsis to the column.
            cells = [
                item.at.strftime("%Y-%m-%d %H:%M"),
                Text(clean(who(item)), no_wrap=True, overflow="ellipsis"),
                Text(clean(describe(item)), no_wrap=True, overflow="ellipsis"),
            ]
            if wide:
                cells.append(Text(clean(item.address or "-"), no_wrap=True, overflow="ellipsis"))
            table.add_row(*cells, key=item.id)

    def _show(self) -> None:
        status = self.query_one("#activity-status", Static)
        count = len(self._items)
        if self._loading:
            status.update("Loading...")
        elif self._complete:
            status.update(f"{count} shown, that is all")
        else:
            status.update(f"{count} shown, more below")
        empty = self.query_one("#activity-empty", Static)
        empty.display = not self._items and self._complete
        empty.update("Nothing of this kind yet.")
        self.query_one("#activity", DataTable).display = bool(self._items)

    @on(DataTable.RowHighlighted, "#activity")
    def _near_end(self, event: DataTable.RowHighlighted) -> None:
        near = event.cursor_row >= event.data_table.row_count - LOAD_AHEAD
        if near and not self._complete and not self._loading:
            self.load(self._kind, self._cursor)

    @on(Select.Changed, "#activity-kind")
    def _kind_changed(self, event: Select.Changed) -> None:
        kind = None if event.value is Select.NULL else str(event.value)
        if kind != self._kind:
            self._kind = kind
            self._items, self._cursor, self._complete = [], None, False
            self.query_one("#activity", DataTable).clear()
            self.load(kind, None)

    def action_filter(self) -> None:
        self.query_one("#activity-kind", Select).focus()

    @work(exclusive=True, group="activity", exit_on_error=False)
    async def load(self, kind: str | None, cursor: str | None) -> None:
        self._loading = True
        self._show()
        try:
            page = await self.store.activity().page(kind, cursor)
        finally:
            self._loading = False
        if kind != self._kind:
            return  # another filter was chosen meanwhile
        self._items.extend(page.items)
        self._add_rows(list(page.items))
        self._cursor = page.next_cursor
        self._complete = page.next_cursor is None
        self._show()

    def show_error(self, worker: Worker[Any], error: BaseException) -> None:
        self._show()
        self.query_one("#activity-status", Static).update(describe_error(error)[1])
