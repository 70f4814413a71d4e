"""Add credits: a preset amount or a custom one checked live against min and max."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical
from textual.widgets import Button, Footer, Header, Input, Label, Static

from screens.base import AccountScreen, credits_app
from tui.money import format_money, parse_money
from tui.state import AccountState
from widgets.money_input import MoneyInput

PRESET_KEYS = "123456"


class AddCreditsScreen(AccountScreen):
    CSS_PATH = "add_credits.tcss"
    BINDINGS = [
        Binding("1", "pick(0)", "Pick amount", key_display="1-6", id="add.pick"),
        *(
            Binding(str(n + 1), f"pick({n})", f"Pick amount {n + 1}", show=False)
            for n in range(1, 6)
        ),
        Binding("enter", "continue", "Continue", id="add.continue"),
        Binding("escape", "back", "Back", id="add.back"),
        Binding(
            "left",
            "move(-1)",
            "Move between amounts",
            show=False,
            key_display="arrows",
            id="add.move",
        ),
        Binding("right", "move(1)", "Right", show=False),
        Binding("up", "move(-3)", "Up", show=False),
        Binding("down", "move(3)", "Down", show=False),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="add-box"):
            yield Static(id="add-title", markup=False)
            yield Label("Pick an amount with 1-6 or the arrows, then enter:")
            yield Grid(id="presets")
            with Horizontal(id="custom-row"):
                yield Label("Or type an amount:", id="custom-label")
                yield MoneyInput(
                    placeholder="75.00",
                    currency="USD",
                    minimum=0,
                    maximum=0,
                    id="custom",
                    compact=True,
                )
            yield Static(id="custom-hint", markup=False)
            yield Button("Continue to payment", id="continue", variant="primary")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#add-box").border_title = "Add credits"

    def show_state(self, state: AccountState) -> None:
        account, options = state.account, state.topup_options
        if account is None or options is None:
            self.query_one("#add-title", Static).update("Loading the amounts you can add...")
            return
        currency = options.currency
        self.query_one("#add-title", Static).update(
            f"{account.name}: balance {format_money(account.balance, currency)}"
        )
        grid = self.query_one("#presets", Grid)
        if not grid.children:
            buttons = [
                Button(f"{key}  {format_money(amount, currency)}", id=f"preset-{index}")
                for index, (key, amount) in enumerate(
                    zip(PRESET_KEYS, options.presets, strict=False)
                )
            ]
            grid.mount_all(buttons)
            if buttons:
                self.call_after_refresh(buttons[min(2, len(buttons) - 1)].focus)
        self._validate()

    def _presets(self) -> list[int]:
        options = self.state.topup_options
        return list(options.presets[: len(PRESET_KEYS)]) if options else []

    def action_pick(self, index: int) -> None:
        presets = self._presets()
        if index < len(presets):
            self.query_one(f"#preset-{index}", Button).focus()
            self._proceed(presets[index])

    def action_move(self, delta: int) -> None:
        focused = self.focused
        count = len(self._presets())
        if isinstance(focused, Button) and (focused.id or "").startswith("preset-"):
            index = int((focused.id or "preset-0").removeprefix("preset-")) + delta
            if 0 <= index < count:
                self.query_one(f"#preset-{index}", Button).focus()
            elif index >= count:
                self.query_one("#custom", Input).focus()
        elif isinstance(focused, Input) and delta < 0 and count:
            self.query_one(f"#preset-{max(0, count - 3)}", Button).focus()

    @on(Button.Pressed, "#presets Button")
    def _preset_pressed(self, event: Button.Pressed) -> None:
        index = int((event.button.id or "preset-0").removeprefix("preset-"))
        self._proceed(self._presets()[index])

    @on(Input.Changed, "#custom")
    def _custom_changed(self) -> None:
        self._validate()

    def action_continue(self) -> None:
        """Enter with no button focused: the custom amount if typed, else the focused preset."""
        self._continue()

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
        hint.set_class(False, "-error")
        hint.set_class(False, "-warning")
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

        credits_app(self.app).push_screen(PaymentScreen(amount))
