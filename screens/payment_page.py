"""Pay on a secure page: a short link and its QR code, followed live until paid or expired.

The person pays on a phone or a laptop; the store holds the link and follows it, so leaving this
screen (or the connection dropping) loses nothing: the dashboard says "Payment done" when it comes.
"""

from __future__ import annotations

from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Header, Static
from textual.worker import Worker

from credits_client.api.models import PaymentLink, PaymentPage
from credits_client.state import AccountState
from credits_core.money import format_money
from screens.base import AccountScreen, credits_app, show_text
from screens.format import clean
from screens.link_and_code import LinkAndCode
from screens.messages import describe_error
from widgets.key_footer import KeyFooter

WAITING = "Waiting for payment on the secure page..."


def page_choice(state: AccountState, *, embedded: bool) -> PaymentPage | None:
    """How the Payment screen offers the secure page; None until the server has said. The
    embedded server's links point into the app's own socket, which no browser can open."""
    return "off" if embedded else state.payment_page


class PaymentPageScreen(AccountScreen):
    CSS_PATH = "payment_page.tcss"
    BINDINGS = [
        Binding("escape", "back", "Back", id="page.back"),
        Binding("ctrl+n", "new_link", "New link", id="page.new_link"),
        Binding("enter", "done", "Dashboard", id="page.done"),
    ]

    def __init__(self, amount: int, *, save_card: bool = False) -> None:
        super().__init__()
        self.amount = amount
        self.save_card = save_card
        self._link_id: str | None = None
        self._failed = False  # the link could not be made: ctrl+n asks again (the same key)

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="page-box"):
            yield Static(id="page-title", markup=False)
            yield Static(id="page-result", markup=False)
            yield LinkAndCode(id="action")
        yield KeyFooter(compact=True)

    def on_mount(self) -> None:
        self.query_one("#action").display = False
        self.open_link()

    @work(exclusive=True, group="payment_link", exit_on_error=False)
    async def open_link(self) -> None:
        self._failed = False
        self.show_state(self.state)
        link = await self.store.open_payment_link(self.amount, save_card=self.save_card)
        self._link_id = link.id
        if self.is_attached:
            self.show_state(self.state)

    def link(self) -> PaymentLink | None:
        """This screen's link, as the store last heard of it."""
        link = self.state.payment_link
        return link if link is not None and link.id == self._link_id else None

    def show_state(self, state: AccountState) -> None:
        money = format_money(self.amount, self._currency())
        name = clean(state.account.name) if state.account else "your account"
        show_text(self.query_one("#page-title", Static), f"Add {money} to {name}")
        link = self.link()
        if link is not None and link.status == "open":
            self._show_open(link)
        else:
            self._show_result(self._result_text(link))
        self.refresh_bindings()

    def _currency(self) -> str:
        options = self.state.topup_options
        return options.currency if options else "USD"

    def _show_open(self, link: PaymentLink) -> None:
        self.query_one("#page-result").display = False
        self.query_one("#action").display = True
        minutes = max(1, round((link.expires_at - link.created_at).total_seconds() / 60))
        text = (
            "Open this link on a phone or a laptop, or scan the code, and pay there. It works "
            f"once, for {minutes} minutes.\n\n{WAITING}"
        )
        failure = link.last_failure
        if failure is not None:
            text = (
                f"Payment declined: {clean(failure.message)} Nothing was charged. Try again "
                f"on the same page, with this card or another.\n\n{WAITING}"
            )
        self.query_one(LinkAndCode).show(clean(link.url or ""), text)

    def _result_text(self, link: PaymentLink | None) -> str:
        if self._failed:
            return ""  # show_error has said why
        if link is None:
            return "Making a link to the secure payment page..."
        currency = link.currency
        if link.status == "paid":
            after = link.topup.balance_after if link.topup is not None else None
            balance = after if after is not None else self._balance()
            added = f"{format_money(link.amount, currency)} added on the secure page."
            if balance is None:
                return f"Payment done. {added}\n\nPress enter for the dashboard."
            return (
                f"Payment done, new balance {format_money(balance, currency)}.\n\n{added} "
                "Press enter for the dashboard."
            )
        return (
            "This link has expired; nothing was charged.\n\n"
            "Press ctrl+n for a new link, or esc to go back."
        )

    def _balance(self) -> int | None:
        account = self.state.account
        return account.balance if account is not None else None

    def _show_result(self, text: str) -> None:
        self.query_one("#action").display = False
        result = self.query_one("#page-result", Static)
        if text or not self._failed:
            result.set_class(False, "-error")
            show_text(result, text)
        result.display = True

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        link = self.link()
        if action == "new_link":
            making = self.state.busy("payment_link")
            return not making and (self._failed or (link is not None and link.status == "expired"))
        if action == "done":
            return link is not None and link.status == "paid"
        return True

    def action_new_link(self) -> None:
        self.open_link()

    def action_done(self) -> None:
        credits_app(self.app).go_home(ask=False)

    def action_back(self) -> None:
        link = self.link()
        if link is not None and link.status == "paid":
            credits_app(self.app).go_home(ask=False)
            return
        if link is not None and link.status == "open":
            self.notify(
                f"The link still works until it expires; {format_money(link.amount, link.currency)}"
                " is added if it is paid there, and you will be told.",
                title="Still waiting for the secure page",
                markup=False,
            )
        self.app.pop_screen()

    def on_unmount(self) -> None:
        link = self.link()
        if link is not None and link.status == "open":
            self.store.leave_payment_link(link.id)

    def show_error(self, worker: Worker[Any], error: BaseException) -> None:
        self._failed = True
        result = self.query_one("#page-result", Static)
        result.set_class(True, "-error")
        result.update(f"{describe_error(error)[1]} Press ctrl+n to try again.")
        self.show_state(self.state)
