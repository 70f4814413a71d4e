"""The signed-in person's SSH keys, for signing in through `credits-tui serve-ssh`: paste a public
key to add it, see each key's fingerprint, remove one. Public keys only: a private key is refused
before it leaves this screen."""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Header, Input, Label, Static
from textual.worker import Worker

from screens.base import AccountScreen
from screens.confirm import ConfirmScreen
from screens.format import clean
from screens.messages import describe_error
from widgets.key_footer import KeyFooter


class SshKeysScreen(AccountScreen):
    CSS_PATH = "ssh_keys.tcss"
    AUTO_FOCUS = "#ssh-key-input"
    BINDINGS = [
        Binding("ctrl+s", "add", "Add key", id="ssh_keys.add"),
        Binding("ctrl+r", "remove", "Remove key", id="ssh_keys.remove"),
        Binding("escape", "back", "Back", id="ssh_keys.back"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="ssh-keys-box"):
            yield Static(
                "Keys that sign you in with ssh to this team's credits address, no password.",
                id="ssh-keys-intro",
            )
            yield DataTable(id="ssh-keys", cursor_type="row", show_cursor=True)
            yield Static(id="ssh-keys-empty", markup=False)
            yield Label("Paste a public key (one line, as in ~/.ssh/id_ed25519.pub)")
            yield Input(
                placeholder="ssh-ed25519 AAAA... you@laptop", id="ssh-key-input", compact=True
            )
            yield Static(id="ssh-keys-result", markup=False)
        yield KeyFooter(compact=True)

    def on_mount(self) -> None:
        self.query_one("#ssh-keys-box").border_title = "SSH keys"
        table = self.query_one("#ssh-keys", DataTable)
        table.add_column("Fingerprint (SHA256)", key="fingerprint", width=50)
        table.add_column("Comment", key="comment", width=20)
        self.load_keys()

    @work(exclusive=True, group="ssh-keys", exit_on_error=False)
    async def load_keys(self, said: str | None = None) -> None:
        keys = await self.store.ssh_keys().list()
        table = self.query_one("#ssh-keys", DataTable)
        table.clear()
        for key in keys:
            table.add_row(key.fingerprint, clean(key.comment), key=key.id)
        empty = self.query_one("#ssh-keys-empty", Static)
        empty.update("" if keys else "No keys yet: paste one below.")
        empty.display = not keys
        table.display = bool(keys)
        if said is not None:
            self._say(said, error=False)
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "remove" and self.query_one("#ssh-keys", DataTable).row_count == 0:
            return None
        return True

    @on(Input.Submitted, "#ssh-key-input")
    def action_add(self) -> None:
        text = self.query_one("#ssh-key-input", Input).value.strip()
        if not text:
            self._say("Paste a public key first.", error=True)
            return
        if "PRIVATE KEY" in text:
            self.query_one("#ssh-key-input", Input).value = ""
            self._say("That is a private key: never share it. Paste the .pub file.", error=True)
            return
        self._say("Adding...", error=False)
        self.add_key(text)

    @work(exclusive=True, group="ssh-keys-add", exit_on_error=False)
    async def add_key(self, text: str) -> None:
        added = await self.store.ssh_keys().add(text)
        self.query_one("#ssh-key-input", Input).value = ""
        self.load_keys(f"Added {added.fingerprint}.")

    def action_remove(self) -> None:
        table = self.query_one("#ssh-keys", DataTable)
        if table.row_count == 0:
            return
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        fingerprint = table.get_cell(row_key, "fingerprint")
        key_id = str(row_key.value)

        def answered(yes: bool | None) -> None:
            if yes:
                self.remove_key(key_id, str(fingerprint))

        question = f"Remove the key {fingerprint}? It will no longer sign you in over SSH."
        self.app.push_screen(ConfirmScreen(question, yes="Remove", no="Keep"), answered)

    @work(exclusive=True, group="ssh-keys-remove", exit_on_error=False)
    async def remove_key(self, key_id: str, fingerprint: str) -> None:
        await self.store.ssh_keys().remove(key_id)
        self.load_keys(f"Removed {fingerprint}.")

    def unsaved_changes(self) -> str | None:
        if self.query_one("#ssh-key-input", Input).value.strip():
            return "The pasted key is not added yet. Leave and discard it?"
        return None

    def show_error(self, worker: Worker[Any], error: BaseException) -> None:
        self._say(describe_error(error)[1], error=True)

    def _say(self, message: str, *, error: bool) -> None:
        line = self.query_one("#ssh-keys-result", Static)
        line.set_class(error, "-error")
        line.update(f"Error: {message}" if error else message)
