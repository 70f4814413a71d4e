"""The home screen: balance, auto-recharge, card on file, the 30-day trend and recent activity."""

from __future__ import annotations

import contextlib
from datetime import date
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import DataTable, Header, Label, Static

from credits_client.api.errors import ServerUnreachable
from credits_client.api.models import Transaction
from credits_client.state import AccountState
from credits_core.money import format_money
from screens.base import AccountScreen, credits_app, show_text
from screens.confirm import ConfirmScreen
from screens.format import clean, recharge_summary, signed_money
from screens.more import MORE_ACTIONS, MoreScreen
from screens.roles import role_line, screen_refusal
from screens.trend import daily_balances, trend_period
from widgets.balance import BalanceDisplay
from widgets.card_summary import CardSummary
from widgets.connection_banner import ConnectionBanner
from widgets.key_footer import KeyFooter
from widgets.trend_line import TrendLine

RECENT_ROWS = 20

CONNECTION_TEXT = {
    "connecting": "Connecting to the server...",
    "online": "Online: live updates on",
    "reconnecting": "Reconnecting...",
    "offline": "Offline",
}


class DashboardScreen(AccountScreen):
    CSS_PATH = "dashboard.tcss"
    BINDINGS = [
        Binding("a", "open('add_credits')", "Top up", id="dashboard.add_credits"),
        Binding("r", "open('auto_recharge')", "Recharge", id="dashboard.auto_recharge"),
        Binding("t", "open('transactions')", "History", id="dashboard.transactions"),
        Binding("s", "open('support')", "Support", id="dashboard.support"),
        Binding("ctrl+r", "refresh", "Refresh", id="dashboard.refresh"),
        Binding("question_mark", "open('help')", "Help", key_display="?", id="dashboard.help"),
        # The dots say a list opens (and at 80 columns leave no half-drawn key after them).
        Binding("x", "more", "More...", id="dashboard.more"),
        # No room in the footer at 80 columns: listed by the More screen (x), which runs them here.
        *MORE_ACTIONS,
    ]

    _recent_shown: tuple[tuple[Transaction, ...], str] | None = None
    _role_shown = ""
    # The day whose trend was last asked for: asked once a day (and on ctrl+r), not on every change.
    _trend_asked: date | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield ConnectionBanner(id="banner")
        with Horizontal(id="top"):
            with Vertical(id="balance-panel"):
                yield BalanceDisplay(id="balance")
            with Vertical(id="recharge-panel"):
                yield Static(id="recharge-summary", markup=False)
                with Horizontal(id="card-row"):
                    yield Label("Card on file: ")
                    yield CardSummary(id="card-on-file", empty="none yet")
                yield Static(id="connection", markup=False)
                yield Static(id="role-line", classes="-warning", markup=False)
        with Vertical(id="trend-panel"):
            yield Static(id="trend-caption", markup=False)
            yield TrendLine([], id="trend")
        yield Static("Loading your account...", id="loading")
        yield Static(id="empty", markup=False)
        yield DataTable(id="recent", cursor_type="row", zebra_stripes=True)
        yield KeyFooter(compact=True)

    def on_mount(self) -> None:
        self.query_one("#recharge-panel").border_title = "Auto-recharge"
        table = self.query_one("#recent", DataTable)
        table.border_title = "Recent transactions"
        table.add_column("Date", key="date", width=6)
        table.add_column("What", key="what")
        table.add_column("Amount", key="amount", width=11)
        table.add_column("Balance", key="balance", width=11)
        if self.state.account is None and not self.state.busy("refresh"):
            self.action_refresh()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # What the role may not do stays in the Footer, greyed; the role line says why.
        if action == "open" and screen_refusal(self.state, str(parameters[0])) is not None:
            return None
        return True

    def action_open(self, name: str) -> None:
        credits_app(self.app).open_screen(name)

    def action_more(self) -> None:
        self.app.push_screen(MoreScreen(), self._run_more)

    async def _run_more(self, action: str | None) -> None:
        if action is not None:
            await self.run_action(action)

    def action_sign_out(self) -> None:
        def sign_out(confirmed: bool | None) -> None:
            if confirmed:
                credits_app(self.app).sign_out()

        self.app.push_screen(ConfirmScreen("Sign out of this computer?", yes="Sign out"), sign_out)

    def action_refresh(self) -> None:
        self.refresh_account()
        self.load_trend()

    @work(exclusive=True, group="refresh", exit_on_error=False)
    async def refresh_account(self) -> None:
        await self.store.refresh()

    @work(exclusive=True, group="trend", exit_on_error=False)
    async def load_trend(self) -> None:
        today = self._trend_asked = credits_app(self.app).today
        # No server: the refresh beside this one says so; the trend keeps what it showed.
        with contextlib.suppress(ServerUnreachable):
            await self.store.load_trend(*trend_period(today))

    def show_state(self, state: AccountState) -> None:
        self.query_one("#banner", ConnectionBanner).status = state.connection
        connection = self.query_one("#connection", Static)
        connection.display = state.connection == "online"
        show_text(connection, CONNECTION_TEXT[state.connection])
        account = state.account
        loading = account is None
        self.query_one("#loading").display = loading
        for panel in ("#top", "#trend-panel", "#recent"):
            self.query_one(panel).display = not loading
        if account is None:
            self.query_one("#empty", Static).display = False
            return
        currency = account.currency
        # Content, not a str: a border title would read a name like "[b]Acme" as markup.
        balance_panel = self.query_one("#balance-panel")
        title = Content(clean(account.name))
        if balance_panel.border_title != title:
            balance_panel.border_title = title
        self.query_one("#balance", BalanceDisplay).update_balance(
            account.balance, currency, account.low_balance, account.low_balance_level
        )
        self._show_recharge(state, currency)
        self._show_trend(state, account.balance, currency)
        self._show_recent(state, currency)

    def _show_recharge(self, state: AccountState, currency: str) -> None:
        settings = state.auto_recharge
        summary = self.query_one("#recharge-summary", Static)
        if settings is None:
            show_text(summary, "Loading...")
        else:
            method = state.payment_method(settings.payment_method_id)
            text = recharge_summary(settings, method, currency)
            if text == "Off" and screen_refusal(state, "auto_recharge") is None:
                text = "Off (press r to set it up)"
            # A clause a line: at 80 columns a wrap would split the card's name from its digits.
            show_text(summary, text.replace(", ", ",\n"))
        self.query_one("#card-on-file", CardSummary).update_card(state.default_payment_method)
        role = self.query_one("#role-line", Static)
        show_text(role, role_line(state))
        role.display = bool(role.content)
        if state.user is not None and state.user.role != self._role_shown:
            self._role_shown = state.user.role
            self.refresh_bindings()  # the keys the role may not use are greyed

    def _show_trend(self, state: AccountState, balance: int, currency: str) -> None:
        today = credits_app(self.app).today
        if self._trend_asked != today and state.signed_in:
            self.load_trend()
        days = daily_balances(state.trend, balance, today)
        self.query_one("#trend", TrendLine).show([float(value) for value in days])
        low, high = min(days), max(days)
        if not state.transactions or state.trend is None:
            caption = "loading..." if state.transactions else "no activity yet"
            show_text(self.query_one("#trend-caption", Static), f"Last 30 days: {caption}")
            return
        show_text(
            self.query_one("#trend-caption", Static),
            f"Last 30 days: from {format_money(days[0], currency)} to "
            f"{format_money(days[-1], currency)} (low {format_money(low, currency)}, "
            f"high {format_money(high, currency)})",
        )

    def _show_recent(self, state: AccountState, currency: str) -> None:
        table = self.query_one("#recent", DataTable)
        empty = self.query_one("#empty", Static)
        recent = state.transactions[:RECENT_ROWS]
        empty.display = not recent
        table.display = bool(recent)
        show_text(empty, "No transactions yet. Press a to add credits.")
        if (recent, currency) == self._recent_shown:
            return  # only the balance or settings changed: keep the rows (no repaint)
        self._recent_shown = (recent, currency)
        table.clear()
        for item in recent:
            table.add_row(
                item.created_at.strftime("%b %d"),
                Text(clean(item.description or item.kind)),  # server text: never markup
                signed_money(item, currency),
                format_money(item.balance_after, currency),
                key=item.id,
            )

    def on_data_table_row_selected(self, _event: Any) -> None:
        credits_app(self.app).open_screen("transactions")
