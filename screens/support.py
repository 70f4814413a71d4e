"""Ask support for a top-up larger than a card may add; shows the reference it gets.

A request is sent once: while it is on its way and after it was sent, Send is off (greyed in the
footer, "Sent" on the button) until the form is edited, which starts a new request. The store
gives each request an idempotency key, so a retry after a lost answer files nothing new either.
"""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Header, Input, Label, Static, TextArea
from textual.worker import Worker

from credits_client.state import AccountState
from credits_core.money import MoneyError, format_money, parse_money
from screens.base import AccountScreen
from screens.format import clean
from screens.messages import describe_error
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
        self._sending = False
        # The form as it was sent (amount, contact, message as typed) and the reference it got:
        # kept while the form still shows exactly that request.
        self._sent: tuple[str, str, str] | None = None
        self._sent_reference: str | None = None
        self._form_problem_shown = False  # the line shows what is wrong with the form
        self._answer_shown: str | None = None

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
                yield Input(placeholder="amount", id="support-amount", compact=True)
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
        amount = self.query_one("#support-amount", Input)
        amount.placeholder = f"amount in {self._currency()}"  # what to type, not a sample value
        if self.amount is not None and state.account is not None:
            money = format_money(self.amount, state.account.currency, symbol=False)
            self.query_one("#support-amount", Input).value = money
        if state.user is not None:
            self.query_one("#support-contact", Input).value = state.user.email
        self.query_one("#support-message", TextArea).focus()

    def show_state(self, state: AccountState) -> None:
        button = self.query_one("#support-send", Button)
        button.disabled = not self._can_send()
        button.label = "Sent" if self._sent is not None else "Send request"
        self.refresh_bindings()
        self._show_answer(state)

    def _show_answer(self, state: AccountState) -> None:
        """Support's answer to the request sent from here, as soon as it comes (an event)."""
        answered = next(
            (
                item
                for item in state.support_requests
                if item.reference == self._sent_reference and item.answer
            ),
            None,
        )
        if answered is not None and answered.answer != self._answer_shown:
            self._answer_shown = answered.answer
            shown = f"Support answered {clean(answered.reference)}: {clean(answered.answer or '')}"
            self._say(shown, error=False)

    def _can_send(self) -> bool:
        return not (self._sending or self._sent is not None or self.state.busy("support"))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "send" and not self._can_send():
            return None  # shown greyed out: on its way, or this very request was sent
        return True

    def unsaved_changes(self) -> str | None:
        if self._sent is None and self.query_one("#support-message", TextArea).text.strip():
            return "Your support message is not sent yet. Leave and discard it?"
        return None

    def _form(self) -> tuple[str, str, str]:
        return (
            self.query_one("#support-amount", Input).value,
            self.query_one("#support-contact", Input).value,
            self.query_one("#support-message", TextArea).text,
        )

    @on(Input.Changed, "#support-amount, #support-contact")
    @on(TextArea.Changed, "#support-message")
    def _form_changed(self) -> None:
        """An edit after sending starts a new request: Send files it (with a new key). An edit
        that fixes what the line called wrong takes the line away."""
        if self._form_problem_shown:
            problem = self._problem()
            if problem is None:
                self._say("", error=False)
            else:
                self._say(problem, error=True)
                self._form_problem_shown = True
        if self._sent is None or self._form() == self._sent:
            return
        self._sent = None
        self._say(
            f"Request {clean(self._sent_reference or '')} was sent. "
            "Send request files a new one with these details.",
            error=False,
        )
        self.show_state(self.state)

    @on(Button.Pressed, "#support-send")
    def action_send(self) -> None:
        if not self._can_send():
            return
        problem = self._problem()
        if problem is not None:
            self._say(problem, error=True)
            self._form_problem_shown = True
            return
        amount = parse_money(self.query_one("#support-amount", Input).value, self._currency())
        message = self.query_one("#support-message", TextArea).text.strip()
        contact = self.query_one("#support-contact", Input).value.strip()
        self._say("Sending...", error=False)
        self._sending = True  # at once: a second press before the worker starts sends nothing
        self.show_state(self.state)
        self.send(amount, message, contact, self._form())

    def _currency(self) -> str:
        return self.state.account.currency if self.state.account else "USD"

    def _problem(self) -> str | None:
        """What stops the form from being sent, in words; None when it can go."""
        try:
            parse_money(self.query_one("#support-amount", Input).value, self._currency())
        except MoneyError as error:
            return f"Amount: {error}"
        message = self.query_one("#support-message", TextArea).text.strip()
        contact = self.query_one("#support-contact", Input).value.strip()
        if not message or not contact:
            return "Write a short message and how we can reach you."
        return None

    @work(exclusive=True, group="support", exit_on_error=False)
    async def send(
        self, amount: int, message: str, contact: str, form: tuple[str, str, str]
    ) -> None:
        try:
            request = await self.store.request_support(amount, message, contact)
        finally:
            self._sending = False
            if self.is_attached:
                self.show_state(self.state)
        self._sent_reference = request.reference
        self._sent = form
        # The line says it all; a toast repeating it covered that very line at 80x24.
        self._say(
            f"Sent. Your reference is {clean(request.reference)} for "
            f"{format_money(request.amount, request.currency)}. "
            f"Support will contact {clean(request.contact)}.",
            error=False,
        )
        self.show_state(self.state)
        self._form_changed()  # edited while it was on its way: that is a new request already

    def show_error(self, worker: Worker[Any], error: BaseException) -> None:
        self._say(describe_error(error)[1], error=True)

    def _say(self, message: str, *, error: bool) -> None:
        self._form_problem_shown = False
        line = self.query_one("#support-result", Static)
        line.set_class(error, "-error")
        line.update(f"Error: {message}" if error else message)
