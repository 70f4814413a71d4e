"""The account's audit trail, newest first: who did what, when and from where; more load as the
cursor nears the end; filter by what was changed."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from rich.console import RenderableType
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header
from textual.worker import Worker

from credits_client.api.models import ActivityItem
from credits_client.state import AccountState, ActivityTrail
from screens.base import AccountScreen
from screens.format import clean
from screens.messages import describe_error
from widgets.key_footer import KeyFooter
from widgets.paged_table import Column, Page, PagedTable, Texts

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
TEXTS = Texts(
    KINDS, everything="Everything", loading="Loading...", empty="Nothing of this kind yet."
)
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


def columns(width: int) -> list[Column]:
    """The columns at a screen `width` wide: the action takes what the others leave."""
    fixed = ["when", "who", "from"] if width >= WIDE_FROM else ["when", "who"]
    # A cell's padding (one each side) per column, and the vertical scrollbar.
    frame = 2 * (len(fixed) + 1) + 2
    what = max(12, width - sum(FIXED_WIDTHS[key] for key in fixed) - frame)
    shown = [
        Column("When (UTC)", "when", FIXED_WIDTHS["when"]),
        Column("Who", "who", FIXED_WIDTHS["who"]),
        Column("What", "what", what),
    ]
    if width >= WIDE_FROM:
        shown.append(Column("From", "from", FIXED_WIDTHS["from"]))
    return shown


def cells(item: ActivityItem) -> Mapping[str, RenderableType]:
    # Server text: never markup, cut with an ellipsis to the column.
    return {
        "when": item.at.strftime("%Y-%m-%d %H:%M"),
        "who": Text(clean(who(item)), no_wrap=True, overflow="ellipsis"),
        "what": Text(clean(describe(item)), no_wrap=True, overflow="ellipsis"),
        "from": Text(clean(item.address or "-"), no_wrap=True, overflow="ellipsis"),
    }


def who(item: ActivityItem) -> str:
    if item.actor_kind == "user":
        return item.actor
    if item.actor_kind == "system":
        return "the service"
    return f"{ACTORS.get(item.actor_kind, item.actor_kind)} {item.actor}".strip()


class ActivityScreen(AccountScreen):
    AUTO_FOCUS = "#activity"
    BINDINGS = [
        Binding("f", "filter", "Filter", id="activity.filter"),
        Binding("escape", "back", "Back", id="activity.back"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield PagedTable(
            DataTable(id="activity"),
            texts=TEXTS,
            columns=columns,
            cells=cells,
        )
        yield KeyFooter(compact=True)

    def on_mount(self) -> None:
        self.start(None)

    def show_state(self, state: AccountState) -> None:
        trail = state.activity or ActivityTrail()
        page = Page(trail.items, trail.complete, state.busy("activity"))
        self.query_one(PagedTable).show(page)

    @on(PagedTable.MoreWanted)
    def _more(self) -> None:
        self.more()

    @on(PagedTable.KindChosen)
    def _kind_chosen(self, event: PagedTable.KindChosen) -> None:
        self.start(event.kind)

    def action_filter(self) -> None:
        self.query_one(PagedTable).focus_filter()

    @work(exclusive=True, group="activity", exit_on_error=False)
    async def start(self, kind: str | None) -> None:
        await self.store.activity().start(kind)

    @work(exclusive=True, group="activity", exit_on_error=False)
    async def more(self) -> None:
        await self.store.activity().more()

    def show_error(self, worker: Worker[Any], error: BaseException) -> None:
        self.query_one(PagedTable).fail(describe_error(error)[1])

    def on_unmount(self) -> None:
        # Nobody else shows the trail: drop it with the screen that asked for it.
        if self.state.activity is not None:
            self.store.activity().drop()
