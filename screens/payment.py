"""Pay for a top-up with a saved card or a new one, or on the secure page (`payment_page`);
no double submit; declines keep the form."""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Header, LoadingIndicator, Static
from textual.worker import Worker

from credits_client.api.errors import ApiError
from credits_client.api.models import CardInput, Topup
from credits_client.state import AccountState
from credits_core.money import format_money
from screens.bank_wait import BankWait, left_with_bank
from screens.base import AccountScreen, credits_app
from screens.card_choice import CardChoice
from screens.format import clean
from screens.messages import describe_error
from screens.payment_page import PaymentPageScreen, page_choice
from widgets.key_footer import KeyFooter

PAGE_ONLY = (
    "Cards are paid for on this company's secure payment page only: no card details are typed "
    "into this app. Press ctrl+o for the page's link and QR code."
)


class PaymentScreen(AccountScreen):
    CSS_PATH = "payment.tcss"
    AUTO_FOCUS = "#method"
    BINDINGS = [
        Binding("ctrl+s", "pay", "Pay", id="payment.pay"),
        Binding("ctrl+o", "secure_page", "Secure page", id="payment.secure_page"),
        Binding("escape", "back", "Back", id="payment.back"),
        # Only on the embedded server, whose bank page nothing outside the app can open.
        Binding("y", "sandbox_bank(True)", "Approve (sandbox)", id="payment.sandbox_yes"),
        Binding("n", "sandbox_bank(False)", "Decline (sandbox)", id="payment.sandbox_no"),
    ]

    def __init__(self, amount: int) -> None:
        super().__init__()
        self.amount = amount
        self._paying = False
        self._at_bank: Topup | None = None  # the top-up whose 3-D Secure is being waited for

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="payment-box"):
            yield Static(id="pay-title", markup=False)
            yield Static(PAGE_ONLY, id="page-only", markup=False)
            yield CardChoice(lambda: credits_app(self.app).today)
            with Horizontal(id="pay-row"):
                yield Button("Pay", id="pay", variant="success")
                yield Button("Pay on a secure page", id="secure-page")
                yield LoadingIndicator(id="paying")
                yield Static(id="pay-status", markup=False)
            yield Static(id="pay-message", markup=False)
            yield BankWait(id="action")
        yield KeyFooter(compact=True)

    def on_mount(self) -> None:
        self.query_one("#paying").display = False
        self.query_one("#action").display = False
        if self.state.payment_page is None:
            self.load_choice()

    @work(exclusive=True, group="payment-choice", exit_on_error=False)
    async def load_choice(self) -> None:
        await self.store.load_payment_choice()

    def _page(self) -> str | None:
        return page_choice(self.state, embedded=self.store.embedded)

    def _currency(self) -> str:
        options = self.state.topup_options
        account = self.state.account
        return options.currency if options else account.currency if account else "USD"

    def show_state(self, state: AccountState) -> None:
        money = format_money(self.amount, self._currency())
        name = clean(state.account.name) if state.account else "your account"
        self.query_one("#pay-title", Static).update(f"Add {money} to {name}")
        self.query_one("#pay", Button).label = f"Pay {money}"
        self.query_one(CardChoice).show_cards(state.payment_methods, state.default_payment_method)
        busy = self._paying or state.busy("top_up")
        self.query_one("#pay", Button).disabled = busy
        self.query_one("#secure-page", Button).disabled = busy
        self._show_page_choice()
        self.query_one("#paying").display = busy
        self.refresh_bindings()

    def _show_page_choice(self) -> None:
        page, waiting = self._page(), self._at_bank is not None
        only = page == "only"
        self.query_one("#page-only").display = only
        self.query_one("#secure-page").display = page in ("offered", "only")
        self.query_one("#pay").display = not only
        choice = self.query_one(CardChoice)
        choice.typing_allowed = not only
        choice.show_choices(not only and not waiting)
        if only:
            choice.show_form(False)
            button = self.query_one("#secure-page", Button)
            if not button.has_focus:
                button.focus()

    def _chosen_card_id(self) -> str | None:
        card = self.query_one(CardChoice).chosen_card()
        return card.id if card is not None else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("pay", "secure_page") and self._at_bank is not None:
            return False  # the screen is the bank's until it answers or esc
        if action == "pay" and self._page() == "only":
            return False
        if action == "secure_page":
            offered = self._page() in ("offered", "only")
            return None if offered and self._paying else offered
        if action == "pay" and (self._paying or self.state.busy("top_up")):
            return None  # shown greyed out: a payment is in flight
        if action == "sandbox_bank":
            return self._at_bank is not None and self.store.embedded
        return True

    def action_back(self) -> None:
        topup = self._at_bank
        if topup is not None:
            # Safe to leave: the top-up is the bank's to answer, and its event brings the news.
            self.store.stop_waiting(topup.id)
            self.notify(left_with_bank(topup), title="Payment left with your bank", markup=False)
            credits_app(self.app).go_home(ask=False)
            return
        if self._paying:
            # Until the server answers, the app must stay to learn whether it charged.
            self.notify("Wait for the payment to reach your bank first.", severity="warning")
            return
        super().action_back()

    def action_sandbox_bank(self, approve: bool) -> None:
        if self._at_bank is not None and self.store.embedded:
            self.answer_as_bank(self._at_bank.id, approve)

    @work(exclusive=True, group="sandbox-bank", exit_on_error=False)
    async def answer_as_bank(self, topup_id: str, approve: bool) -> None:
        await self.store.answer_as_sandbox_bank(topup_id, approve=approve)

    def unsaved_changes(self) -> str | None:
        if self._paying and self._at_bank is None:
            return "A payment is in progress: leaving stops waiting for its outcome. Leave?"
        if self.query_one(CardChoice).form.has_input():
            return "Leave without paying? The card details you typed will be cleared."
        return None

    @on(Button.Pressed, "#secure-page")
    def action_secure_page(self) -> None:
        if self._paying or self._page() not in ("offered", "only"):
            return
        save = self._chosen_card_id() is None and self.query_one(CardChoice).save_card
        self.app.push_screen(
            PaymentPageScreen(self.amount, save_card=save and self._page() != "only")
        )

    @on(Button.Pressed, "#pay")
    def action_pay(self) -> None:
        if self._paying or self.state.busy("top_up"):
            return
        card_id = self._chosen_card_id()
        card: CardInput | None = None
        if card_id is None:
            card = self.query_one(CardChoice).form.card()
            if card is None:
                self._say("Check the card details above.")
                return
        self._paying = True
        self._say("")
        self.query_one("#pay-status", Static).update("Processing payment...")
        self.show_state(self.state)
        save = self.query_one(CardChoice).save_card
        self.pay(card_id, card, save)

    @work(exclusive=True, group="top_up", exit_on_error=False)
    async def pay(self, card_id: str | None, card: CardInput | None, save: bool) -> None:
        try:
            topup = await self.store.top_up(
                self.amount, payment_method_id=card_id, card=card, save_card=save
            )
            while topup.status in ("requires_action", "processing"):
                if topup.status == "requires_action":
                    self._show_action(topup)
                topup = await self.store.wait_for_topup(topup.id)
            self._show_outcome(topup)
        finally:
            self._paying = False
            if self.is_attached:  # not when a success has already taken us home
                self._show_waiting(False)
                self.query_one("#pay-status", Static).update("")
                self.show_state(self.state)

    def _show_waiting(self, waiting: bool) -> None:
        """While the bank asks for confirmation, the link and code take the whole screen."""
        choice = self.query_one(CardChoice)
        choice.show_choices(not waiting)
        for part in ("#pay-row", "#pay-message"):
            self.query_one(part).display = not waiting
        if waiting:
            choice.hide_form()
        else:
            self._at_bank = None
            choice.show_form(self._chosen_card_id() is None)
        self.query_one("#action").display = waiting
        self.refresh_bindings()

    def _show_action(self, topup: Topup) -> None:
        self._at_bank = topup
        self._show_waiting(True)
        self.query_one(BankWait).show_topup(topup, embedded=self.store.embedded)

    def _show_outcome(self, topup: Topup) -> None:
        currency = topup.currency
        if topup.status == "succeeded":
            balance = topup.balance_after
            after = (
                f" New balance: {format_money(balance, currency)}." if balance is not None else ""
            )
            self.notify(
                f"Added {format_money(topup.amount, currency)}.{after}",
                title="Payment done",
                markup=False,
            )
            credits_app(self.app).go_home(ask=False)
            return
        self._show_waiting(False)
        reason = clean(topup.failure_message or "The card was declined.")
        self._say(f"Payment declined: {reason} Nothing was charged.")
        self.query_one(CardChoice).form.clear_cvc()

    def show_error(self, worker: Worker[Any], error: BaseException) -> None:
        if isinstance(error, ApiError) and error.field_errors:
            self.query_one(CardChoice).form.show_field_errors(error.field_errors)
        self._say(describe_error(error)[1])

    def _say(self, message: str) -> None:
        line = self.query_one("#pay-message", Static)
        line.set_class(bool(message), "-error")
        line.update(message)
