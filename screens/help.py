"""Every key of every screen, read from their BINDINGS so it cannot drift from the code; the
secure payment page's keys only where the server offers it, and why the card form is missing
where it is the only way to pay."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Header, Static

from credits_client.state import AccountState
from screens.base import AccountScreen
from widgets.key_footer import KeyFooter

if TYPE_CHECKING:
    from credits_client.api.models import PaymentPage

PAGE_ONLY = (
    "Paying: this company's server takes cards on its secure payment page only (its "
    "payment_page setting), so card numbers are never typed into this terminal and the "
    "Payment screen has no card form. Press ctrl+o there for the page's link and QR code, "
    "and pay on a phone or a laptop; the app shows the new balance when it is paid."
)


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


def help_sections(page: PaymentPage | None = None) -> list[tuple[str, list[tuple[str, str]]]]:
    """Each screen's keys; without the secure payment page's when `page` is "off"."""
    from screens.activity import ActivityScreen
    from screens.add_credits import AddCreditsScreen
    from screens.auto_recharge import AutoRechargeScreen
    from screens.confirm import ConfirmScreen
    from screens.dashboard import DashboardScreen
    from screens.login import LoginScreen
    from screens.notifications import NotificationsScreen
    from screens.payment import PaymentScreen
    from screens.payment_page import PaymentPageScreen
    from screens.sessions import SessionsScreen
    from screens.ssh_keys import SshKeysScreen
    from screens.support import SupportScreen
    from screens.team import TeamScreen
    from screens.team_modals import ChooseRoleScreen, InvitationCodeScreen
    from screens.transactions import TransactionsScreen
    from widgets.amount_grid import AmountGrid
    from widgets.slider import Slider

    screens: list[tuple[str, list[BindingType]]] = [
        ("Dashboard", DashboardScreen.BINDINGS),
        ("Add credits", AddCreditsScreen.BINDINGS),
        ("Preset amounts", AmountGrid.BINDINGS),
        ("Payment", PaymentScreen.BINDINGS),
        ("Pay on a secure page", PaymentPageScreen.BINDINGS),
        ("Auto-recharge", AutoRechargeScreen.BINDINGS),
        ("Sliders", Slider.BINDINGS),
        ("Transactions", TransactionsScreen.BINDINGS),
        ("Support request", SupportScreen.BINDINGS),
        ("SSH keys", SshKeysScreen.BINDINGS),
        ("Notifications", NotificationsScreen.BINDINGS),
        ("Team (owners)", TeamScreen.BINDINGS),
        ("A member's role", ChooseRoleScreen.BINDINGS),
        ("An invitation's code", InvitationCodeScreen.BINDINGS),
        ("Sessions", SessionsScreen.BINDINGS),
        ("Activity", ActivityScreen.BINDINGS),
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
    if page == "off":
        screens = [
            (title, [b for b in bindings if _binding_id(b) != "payment.secure_page"])
            for title, bindings in screens
            if bindings is not PaymentPageScreen.BINDINGS
        ]
    sections = [(title, _binding_rows(bindings)) for title, bindings in screens]
    for title, rows in sections:
        if title == "Preset amounts":
            rows.append(("1-6", "Pick that amount and go on to payment"))
    return [("Everywhere", everywhere), *sections]


def _binding_id(binding: BindingType) -> str | None:
    return binding.id if isinstance(binding, Binding) else None


class HelpScreen(AccountScreen):
    CSS_PATH = "help.tcss"
    BINDINGS = [
        Binding("escape,question_mark", "back", "Close help", key_display="esc", id="help.close"),
    ]

    _page_shown: PaymentPage | None = None

    def _page(self) -> PaymentPage | None:
        from screens.payment_page import page_choice

        return page_choice(self.state, embedded=self.store.embedded)

    def compose(self) -> ComposeResult:
        page = self._page_shown = self._page()
        yield Header()
        with VerticalScroll(id="help-body"):
            if page == "only":
                yield Static(PAGE_ONLY, id="help-page-only", classes="help-section", markup=False)
            for title, rows in help_sections(page):
                lines = [Content.styled(title, "bold underline")]
                lines.extend(
                    Content.assemble((f"{key:<22}", "bold"), "  ", text) for key, text in rows
                )
                yield Static(Content("\n").join(lines), classes="help-section")
        yield KeyFooter(compact=True)

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()
        if self.state.payment_page is None:
            self.load_choice()

    @work(exclusive=True, group="payment-choice", exit_on_error=False)
    async def load_choice(self) -> None:
        await self.store.load_payment_choice()

    def show_state(self, state: AccountState) -> None:
        if self._page() != self._page_shown:
            self.refresh(recompose=True)
            self.call_after_refresh(lambda: self.query_one("#help-body").focus())
