"""Ask support for a top-up larger than a card may add; shows the reference it gets."""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Header, Input, Label, Static, TextArea
from textual.worker import Worker

from screens.base import AccountScreen
from screens.format import clean
from screens.messages import describe_error
from tui.money import MoneyError, format_money, parse_money
from tui.state import AccountState
from widgets.key_footer import KeyFooter


class SupportScreen(AccountScreen):
    CSS_PATH = "support.tcss"
    BINDINGS = [
        Binding("ctrl+s", "send", "Send request", id="support.send"),
        Binding("escape", "back", "Back", id="support.back"),
    ]

    def __init__(self, amount: int | None = None) -> None:
        super().__init__()
        self.amount = amount
        self._sent_reference: str | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="support-box"):
            yield Static(
                "Need more than a card can add at once? Support arranges larger top-ups "
                "(bank transfer or invoice) and answers within one business day.",
                id="support-intro",
            )
            with Horizontal(classes="support-row"):
                yield Label("Amount", classes="support-label")
                yield Input(placeholder="5,000.00", id="support-amount", compact=True)
            with Horizontal(classes="support-row"):
                yield Label("Contact", classes="support-label")
                yield Input(placeholder="email or phone", id="support-contact", compact=True)
            yield Label("Message")
            yield TextArea(id="support-message", soft_wrap=True, show_line_numbers=False)
            yield Button("Send request", id="support-send", variant="primary")
            yield Static(id="support-result", markup=False)
        yield KeyFooter(compact=True)

    def on_mount(self) -> None:
        self.query_one("#support-box").border_title = "Support request"
        state = self.state
        if self.amount is not None and state.account is not None:
            money = format_money(self.amount, state.account.currency, symbol=False)
            self.query_one("#support-amount", Input).value = money
        if state.user is not None:
            self.query_one("#support-contact", Input).value = state.user.email
        self.query_one("#support-amount", Input).focus()

    def show_state(self, state: AccountState) -> None:
        busy = state.busy("support")
        self.query_one("#support-send", Button).disabled = busy
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "send" and self.state.busy("support"):
            return None
        return True

    def unsaved_changes(self) -> str | None:
        if (
            self._sent_reference is None
            and self.query_one("#support-message", TextArea).text.strip()
        ):
            return "Your support message is not sent yet. Leave and discard it?"
        return None

    @on(Button.Pressed, "#support-send")
    def action_send(self) -> None:
        if self.state.busy("support"):
            return
        currency = self.state.account.currency if self.state.account else "USD"
        try:
            amount = parse_money(self.query_one("#support-amount", Input).value, currency)
        except MoneyError as error:
            self._say(f"Amount: {error}", error=True)
            return
        message = self.query_one("#support-message", TextArea).text.strip()
        contact = self.query_one("#support-contact", Input).value.strip()
        if not message or not contact:
            self._say("Write a short message and how we can reach you.", error=True)
            return
        self._say("Sending...", error=False)
        self.send(amount, message, contact)

    @work(exclusive=True, group="support", exit_on_error=False)
    async def send(self, amount: int, message: str, contact: str) -> None:
        request = await self.store.request_support(amount, message, contact)
        self._sent_reference = request.reference
        self._say(
            f"Sent. Your reference is {clean(request.reference)} for "
            f"{format_money(request.amount, request.currency)}. "
            f"Support will contact {clean(request.contact)}.",
            error=False,
        )
        self.notify(f"Support request {clean(request.reference)} sent.", title="Sent", markup=False)

    def show_error(self, worker: Worker[Any], error: BaseException) -> None:
        self._say(describe_error(error)[1], error=True)

    def _say(self, message: str, *, error: bool) -> None:
        line = self.query_one("#support-result", Static)
        line.set_class(error, "-error")
        line.update(f"Error: {message}" if error else message)
