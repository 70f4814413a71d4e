"""The dashboard's other actions, those its footer has no room for at 80 columns, each on its key.

The dashboard binds the same keys (unshown), so a person who knows them need not come here; its
footer's `x More...` opens this list for everyone else. What the role may not do is greyed, with
the reason under it.
"""

from __future__ import annotations

from textual.actions import parse
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from credits_client.state import AccountState
from screens.base import credits_app, show_text
from screens.roles import screen_refusal
from widgets.key_footer import KeyFooter

# The dashboard's own bindings (their ids are the dashboard's: a keymap changes both places).
MORE_ACTIONS: tuple[Binding, ...] = (
    Binding("k", "open('ssh_keys')", "SSH keys", show=False, id="dashboard.ssh_keys"),
    Binding(
        "n", "open('notifications')", "Notifications", show=False, id="dashboard.notifications"
    ),
    Binding("m", "open('team')", "Team", show=False, id="dashboard.team"),
    Binding("w", "open('sessions')", "Sessions", show=False, id="dashboard.sessions"),
    Binding("v", "open('activity')", "Activity", show=False, id="dashboard.activity"),
    Binding("o", "sign_out", "Sign out", show=False, id="dashboard.sign_out"),
    Binding("q", "app.quit", "Quit", show=False, id="dashboard.quit"),
)


def action_refusal(state: AccountState, action: str) -> str | None:
    """Why the user's role may not run `action` ("open('team')"); None when it may."""
    name, arguments = parse(action)[1:]
    if name == "open" and arguments:
        return screen_refusal(state, str(arguments[0]))
    return None


class MoreScreen(ModalScreen[str | None]):
    """Dismissed with the dashboard action to run ("open('team')", "sign_out"), or None."""

    CSS_PATH = "more.tcss"
    BINDINGS = [
        *MORE_ACTIONS,
        Binding("escape,x", "close", "Back", key_display="esc", id="more.close"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="more-box"):
            yield Static("These keys work on the dashboard too.", id="more-hint")
            for _ in MORE_ACTIONS:
                with Horizontal(classes="more-action"):
                    yield Static(classes="more-key", markup=False)
                    yield Static(classes="more-text", markup=False)
        yield KeyFooter(compact=True)

    def on_mount(self) -> None:
        self.query_one("#more-box").border_title = "More"
        self.watch(self.app, "account_state", self._show)

    def _show(self, state: AccountState) -> None:
        # Each key as it is bound now: a keymap may have moved it.
        keys: dict[str | None, list[str]] = {}
        for active in self.active_bindings.values():
            if active.node is self:
                shown = self.app.get_key_display(active.binding)
                keys.setdefault(active.binding.id, []).append(shown)
        width = max(len(" ".join(keys.get(b.id, []))) for b in MORE_ACTIONS) + 2
        rows = self.query(".more-action").results(Horizontal)
        for binding, row in zip(MORE_ACTIONS, rows, strict=True):
            refused = action_refusal(state, binding.action)
            row.set_class(refused is not None, "-refused")
            key = row.query_one(".more-key", Static)
            key.styles.width = width
            show_text(key, " ".join(keys.get(binding.id, [])))
            text = binding.description if refused is None else f"{binding.description}\n{refused}"
            show_text(row.query_one(".more-text", Static), text)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # What the role may not do stays listed, greyed, with the reason under it.
        if action == "open" and screen_refusal(self._state, str(parameters[0])) is not None:
            return None
        return True

    @property
    def _state(self) -> AccountState:
        return credits_app(self.app).account_state

    def action_open(self, name: str) -> None:
        self.dismiss(f"open({name!r})")

    def action_sign_out(self) -> None:
        self.dismiss("sign_out")

    def action_close(self) -> None:
        self.dismiss(None)
