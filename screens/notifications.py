"""Who is told what when nobody watches the screen: the account's email addresses and webhook
endpoints, the events each wants, a test message, and the messages given up on (dead letters).
A webhook's signing secret is shown once, when it is added."""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Header, Input, Label, SelectionList, Static
from textual.worker import Worker

from credits_client.api.errors import ApiError
from credits_client.api.models import DeadLetter, NotificationTarget
from credits_core.notifications import CHOOSABLE, LABELS
from screens.base import AccountScreen
from screens.confirm import ConfirmScreen
from screens.format import clean
from screens.messages import describe_error
from widgets.key_footer import KeyFooter

SHOWN_DEAD_LETTERS = 3


class NotificationsScreen(AccountScreen):
    CSS_PATH = "notifications.tcss"
    AUTO_FOCUS = "#notify-address"
    BINDINGS = [
        Binding("ctrl+s", "add", "Add", id="notifications.add"),
        Binding("ctrl+e", "save_events", "Save", id="notifications.save_events"),
        Binding("ctrl+t", "send_test", "Test", id="notifications.send_test"),
        Binding("ctrl+o", "switch_on", "Switch on", id="notifications.switch_on"),
        Binding("ctrl+r", "remove", "Remove", id="notifications.remove"),
        Binding("escape", "back", "Back", id="notifications.back"),
    ]

    _targets: dict[str, NotificationTarget]

    def compose(self) -> ComposeResult:
        self._targets = {}
        yield Header()
        with Vertical(id="notify-box"):
            with Horizontal(id="notify-top"):
                with Vertical(id="notify-left"):
                    yield DataTable(id="notify-targets", cursor_type="row")
                    yield Static(id="notify-empty", markup=False)
                yield SelectionList[str](
                    *((LABELS[kind], kind) for kind in CHOOSABLE), id="notify-events"
                )
            yield Label("Add an email address or an https:// webhook URL")
            yield Input(placeholder="finance@example.com", id="notify-address", compact=True)
            yield Static(id="notify-result", markup=False)
            yield Static(id="notify-dead", markup=False)
        yield KeyFooter(compact=True)

    def on_mount(self) -> None:
        self.query_one("#notify-box").border_title = "Notifications"
        self.query_one("#notify-events").border_title = "Events"
        table = self.query_one("#notify-targets", DataTable)
        table.add_column("Where", key="address", width=34)
        table.add_column("", key="state", width=3)
        self.load()

    @work(exclusive=True, group="notify-load", exit_on_error=False)
    async def load(self, said: str | None = None, keep: str | None = None) -> None:
        notifications = self.store.notifications()
        targets = await notifications.targets()
        dead = await notifications.dead_letters()
        self._targets = {target.id: target for target in targets}
        table = self.query_one("#notify-targets", DataTable)
        table.clear()
        for target in targets:
            state = "on" if target.enabled else "OFF"
            table.add_row(clean(target.address), state, key=target.id)
        if keep in self._targets:
            table.move_cursor(row=table.get_row_index(keep))
        empty = self.query_one("#notify-empty", Static)
        empty.update("" if targets else "Nobody is told yet: add an address below.")
        empty.display = not targets
        table.display = bool(targets)
        self._show_events()
        self._show_dead(dead)
        if said is not None:
            self._say(said, error=False)
        self.refresh_bindings()

    def _current(self) -> NotificationTarget | None:
        table = self.query_one("#notify-targets", DataTable)
        if table.row_count == 0:
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return self._targets.get(str(row_key.value))

    @on(DataTable.RowHighlighted, "#notify-targets")
    def _show_events(self) -> None:
        target = self._current()
        events = self.query_one("#notify-events", SelectionList)
        events.deselect_all()
        events.disabled = target is None
        if target is None:
            return
        for kind in target.events:
            events.select(kind)
        if not target.enabled:
            self._say(f"{target.address}: {target.disabled_reason or 'switched off'}", error=True)
        self.refresh_bindings()

    def _show_dead(self, dead: list[DeadLetter]) -> None:
        line = self.query_one("#notify-dead", Static)
        if not dead:
            line.update("No undelivered messages.")
            return
        rows = [
            f"{letter.created_at:%Y-%m-%d %H:%M}  {LABELS.get(letter.type, letter.type)}"
            f" to {clean(letter.address)}: {clean(letter.last_error or '')}"
            for letter in dead[:SHOWN_DEAD_LETTERS]
        ]
        more = f" (newest {SHOWN_DEAD_LETTERS} of {len(dead)})" if len(dead) > len(rows) else ""
        line.update("\n".join([f"Given up on after 3 days{more}:", *rows]))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        target = self._current() if self.is_mounted else None
        if action in ("save_events", "send_test", "remove") and target is None:
            return None
        if action == "switch_on" and (target is None or target.enabled):
            return None
        return True

    @on(Input.Submitted, "#notify-address")
    def action_add(self) -> None:
        address = self.query_one("#notify-address", Input).value.strip()
        if not address:
            self._say("Type an email address or a webhook URL first.", error=True)
            return
        self._say("Adding...", error=False)
        self.add_target(address)

    @work(exclusive=True, group="notify-add", exit_on_error=False)
    async def add_target(self, address: str) -> None:
        added = await self.store.notifications().add(address)
        self.query_one("#notify-address", Input).value = ""
        said = f"Added {added.address}: choose its events on the right, then ctrl+e."
        if added.secret:
            said = f"Signing secret, shown only now (copy it): {added.secret}"
        self.load(said, keep=added.id)

    def action_save_events(self) -> None:
        target = self._current()
        if target is not None:
            chosen = list(self.query_one("#notify-events", SelectionList).selected)
            self.change(target, chosen, target.enabled, "Events saved.")

    def action_switch_on(self) -> None:
        target = self._current()
        if target is not None:
            self.change(target, target.events, True, f"{target.address} is on again.")

    @work(exclusive=True, group="notify-change", exit_on_error=False)
    async def change(
        self, target: NotificationTarget, events: list[str], enabled: bool, said: str
    ) -> None:
        await self.store.notifications().change(target.id, events, enabled)
        self.load(said, keep=target.id)

    @work(exclusive=True, group="notify-test", exit_on_error=False)
    async def action_send_test(self) -> None:
        target = self._current()
        if target is not None:
            message_id = await self.store.notifications().send_test(target.id)
            self._say(f"Test {message_id} sent to {target.address}.", error=False)

    def action_remove(self) -> None:
        target = self._current()
        if target is None:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.remove_target(target)

        question = f"Stop telling {target.address} anything? Messages not yet sent are dropped."
        self.app.push_screen(ConfirmScreen(question, yes="Remove", no="Keep"), answered)

    @work(exclusive=True, group="notify-remove", exit_on_error=False)
    async def remove_target(self, target: NotificationTarget) -> None:
        await self.store.notifications().remove(target.id)
        self.load(f"Removed {target.address}.")

    def unsaved_changes(self) -> str | None:
        if self.query_one("#notify-address", Input).value.strip():
            return "The address typed is not added yet. Leave and discard it?"
        return None

    def show_error(self, worker: Worker[Any], error: BaseException) -> None:
        if isinstance(error, ApiError) and error.field_errors:
            self._say(" ".join(error.field_errors.values()), error=True)
            return
        self._say(describe_error(error)[1], error=True)

    def _say(self, message: str, *, error: bool) -> None:
        line = self.query_one("#notify-result", Static)
        line.set_class(error, "-error")
        line.update(f"Error: {message}" if error else message)
