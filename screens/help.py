"""Every key of every screen, read from their BINDINGS so it cannot drift from the code."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Header, Static

from screens.base import AccountScreen
from widgets.key_footer import KeyFooter


def _binding_rows(bindings: list[BindingType]) -> list[tuple[str, str]]:
    rows = []
    for binding in bindings:
        if isinstance(binding, Binding) and binding.key.isdigit():
            continue  # numbered picks are listed once, as "1-6"
        if isinstance(binding, Binding) and binding.description and binding.id:
            rows.append(
                (binding.key_display or binding.key.replace(",", " / "), binding.description)
            )
    return rows


def help_sections() -> list[tuple[str, list[tuple[str, str]]]]:
    from screens.add_credits import AddCreditsScreen
    from screens.auto_recharge import AutoRechargeScreen
    from screens.confirm import ConfirmScreen
    from screens.dashboard import DashboardScreen
    from screens.login import LoginScreen
    from screens.notifications import NotificationsScreen
    from screens.payment import PaymentScreen
    from screens.ssh_keys import SshKeysScreen
    from screens.support import SupportScreen
    from screens.transactions import TransactionsScreen
    from widgets.amount_grid import AmountGrid
    from widgets.slider import Slider

    screens: list[tuple[str, list[BindingType]]] = [
        ("Dashboard", DashboardScreen.BINDINGS),
        ("Add credits", AddCreditsScreen.BINDINGS),
        ("Preset amounts", AmountGrid.BINDINGS),
        ("Payment", PaymentScreen.BINDINGS),
        ("Auto-recharge", AutoRechargeScreen.BINDINGS),
        ("Sliders", Slider.BINDINGS),
        ("Transactions", TransactionsScreen.BINDINGS),
        ("Support request", SupportScreen.BINDINGS),
        ("SSH keys", SshKeysScreen.BINDINGS),
        ("Notifications", NotificationsScreen.BINDINGS),
        ("Sign in", LoginScreen.BINDINGS),
        ("Questions (leave?)", ConfirmScreen.BINDINGS),
        ("Help", HelpScreen.BINDINGS),
    ]
    everywhere = [
        ("tab / shift+tab", "Next / previous field"),
        ("ctrl+p", "Palette: screens, refresh, redraw, sign out, theme"),
        ("ctrl+l", "Redraw the whole screen"),
        ("ctrl+q", "Quit"),
    ]
    sections = [(title, _binding_rows(bindings)) for title, bindings in screens]
    for title, rows in sections:
        if title == "Preset amounts":
            rows.append(("1-6", "Pick that amount and go on to payment"))
    return [("Everywhere", everywhere), *sections]


class HelpScreen(AccountScreen):
    CSS_PATH = "help.tcss"
    BINDINGS = [
        Binding("escape,question_mark", "back", "Close help", key_display="esc", id="help.close"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="help-body"):
            for title, rows in help_sections():
                lines = [Content.styled(title, "bold underline")]
                lines.extend(
                    Content.assemble((f"{key:<22}", "bold"), "  ", text) for key, text in rows
                )
                yield Static(Content("\n").join(lines), classes="help-section")
        yield KeyFooter(compact=True)

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()
