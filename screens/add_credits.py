"""Add credits: a preset amount or a custom one checked live against min and max."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Header, Input, Label, Static

from credits_client.state import AccountState
from credits_core.money import format_money, parse_money
from screens.base import AccountScreen
from screens.format import clean
from widgets.amount_grid import AmountGrid
from widgets.key_footer import KeyFooter
from widgets.money_input import MoneyInput


class AddCreditsScreen(AccountScreen):
    CSS_PATH = "add_credits.tcss"
    AUTO_FOCUS = "#presets"
    BINDINGS = [
        Binding("escape", "back", "Back", id="add.back"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="add-box"):
            yield Static(id="add-title", markup=False)
            yield Label("Pick an amount with 1-6 or the arrows and enter, or tab to type one:")
            yield AmountGrid(id="presets")
            with Horizontal(id="custom-row"):
                yield Label("Or type an amount:", id="custom-label")
                yield MoneyInput(
                    placeholder="amount",
                    currency="USD",
                    minimum=0,
                    maximum=0,
                    id="custom",
                    compact=True,
                )
            yield Static(id="custom-hint", markup=False)
            yield Button("Continue to payment", id="continue", variant="primary")
        yield KeyFooter(compact=True)

    def on_mount(self) -> None:
        self.query_one("#add-box").border_title = "Add credits"

    def show_state(self, state: AccountState) -> None:
        account, options = state.account, state.topup_options
        if account is None or options is None:
            self.query_one("#add-title", Static).update("Loading the amounts you can add...")
            return
        currency = options.currency
        self.query_one("#add-title", Static).update(
            f"{clean(account.name)}: balance {format_money(account.balance, currency)}"
        )
        grid = self.query_one("#presets", AmountGrid)
        presets = tuple(options.presets)
        if grid.amounts != presets or grid.currency != currency:
            grid.set_amounts(presets, currency)
            grid.cursor = min(2, len(presets) - 1)  # $50, the usual choice, under the cursor
        self._validate()

    def unsaved_changes(self) -> str | None:
        if self.query_one("#custom", MoneyInput).value.strip():
            return "Leave without adding credits? The amount you typed will be cleared."
        return None

    @on(AmountGrid.Selected, "#presets")
    def _preset_picked(self, event: AmountGrid.Selected) -> None:
        self._proceed(event.amount)

    @on(Input.Changed, "#custom")
    def _custom_changed(self) -> None:
        self._validate()

    @on(Input.Submitted, "#custom")
    @on(Button.Pressed, "#continue")
    def _continue(self) -> None:
        amount, problem = self._validate()
        if amount is None:
            return
        if problem == "above_max":
            from screens.support import SupportScreen

            self.app.push_screen(SupportScreen(amount=amount))
            return
        if problem is None:
            self._proceed(amount)

    def _validate(self) -> tuple[int | None, str | None]:
        """Check the custom amount; say why it will not do, live, under the field."""
        options = self.state.topup_options
        hint = self.query_one("#custom-hint", Static)
        custom = self.query_one("#custom", MoneyInput)
        if options is None:
            return None, "loading"
        currency = options.currency
        if (custom.currency, custom.minimum, custom.maximum) != (
            currency,
            options.min,
            options.max,
        ):
            custom.configure(currency=currency, minimum=options.min, maximum=options.max)
            custom.placeholder = f"amount in {currency}"  # what to type, not a sample value
        hint.set_class(False, "-error")
        hint.set_class(False, "-warning")
        button = self.query_one("#continue", Button)
        button.label = "Ask support" if custom.above_max else "Continue to payment"
        if not custom.value.strip():
            lowest, highest = (format_money(x, currency) for x in (options.min, options.max))
            hint.update(f"Any amount from {lowest} to {highest}.")
            return None, "empty"
        if custom.above_max:
            hint.set_class(True, "-warning")
            hint.update(
                f"Cards can add up to {format_money(options.max, currency)}. "
                "Press enter to ask support for this larger top-up."
            )
            return parse_money(custom.value, currency), "above_max"
        if custom.amount is None:
            hint.set_class(True, "-error")
            hint.update(f"Error: {custom.problem or 'enter an amount'}")
            return None, "invalid"
        hint.update(f"Press enter to pay {format_money(custom.amount, currency)}.")
        return custom.amount, None

    def _proceed(self, amount: int) -> None:
        from screens.payment import PaymentScreen

        self.app.push_screen(PaymentScreen(amount))
