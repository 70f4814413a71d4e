"""Auto-recharge settings: on/off, threshold and amount sliders, the cards charged, the limits,
the live sentence; ctrl+s saves."""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Header, Input, Label, RadioButton, RadioSet, Select, Static, Switch
from textual.worker import Worker

from credits_client.api.errors import Conflict
from credits_client.api.models import AutoRecharge, AutoRechargeUpdate, PaymentMethod
from credits_client.state import AccountState
from credits_core.money import MoneyError, format_money, parse_money
from screens.base import AccountScreen, show_text
from screens.format import card_expiry, card_label, clean
from screens.messages import describe_error
from widgets.choice import Choice
from widgets.key_footer import KeyFooter
from widgets.line_static import LineStatic
from widgets.slider import Slider


class AutoRechargeScreen(AccountScreen):
    CSS_PATH = "auto_recharge.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save changes", id="auto_recharge.save"),
        Binding("escape", "back", "Back", id="auto_recharge.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._currency = "USD"
        # The cards each card list offers now, by its id: the lists are rebuilt when they change.
        self._options: dict[str | None, tuple[PaymentMethod, ...]] = {}
        # What a limit field holds that is not a limit yet ("0", "abc"): named by the field's id.
        self._invalid: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        # Scrolls only when the notes outgrow a small terminal; the fields take the focus.
        with VerticalScroll(id="recharge-box", can_focus=False):
            yield Static(id="recharge-status", markup=False)
            with Horizontal(classes="row"):
                yield Label("Auto-recharge", classes="row-label", id="enabled-label")
                yield Switch(id="enabled", animate=False)
                yield Static(id="enabled-text", markup=False)
            with Horizontal(classes="row"):
                yield Label("Mode", classes="row-label")
                with RadioSet(id="mode", compact=True):
                    yield Choice("Add an amount", id="mode-add", value=True)
                    yield Choice("Top up to a target", id="mode-target")
            with Horizontal(classes="row"):
                yield Label("When balance falls below", classes="row-label")
                yield Slider(id="threshold", formatter=self._money)
            with Horizontal(classes="row"):
                yield Label("Add this amount", classes="row-label", id="amount-label")
                yield Slider(id="amount", formatter=self._money)
            with Horizontal(classes="row group"):
                yield Label("Charge this card", classes="row-label")
                yield Select[str]([], id="card", prompt="No saved card", compact=True)
            with Horizontal(classes="row"):
                yield Label("If it is declined, try", classes="row-label")
                yield Select[str]([], id="backup", prompt="No backup card", compact=True)
            with Horizontal(classes="row"):
                yield Label("Recharges a day, at most", classes="row-label")
                yield Input(id="daily-limit", placeholder="server's usual", compact=True)
                yield Label("1 to 100, or empty", classes="hint")
            with Horizontal(classes="row"):
                yield Label("Monthly cap", classes="row-label")
                yield Input(id="monthly-cap", placeholder="no cap", compact=True)
                yield Label("an amount, or empty", classes="hint")
            yield LineStatic(id="sentence")
            yield Static(id="recharge-note", markup=False)
            yield Static(id="recharge-message", markup=False)
        yield KeyFooter(compact=True)

    def _money(self, value: int) -> str:
        return format_money(value, self._currency)

    def on_mount(self) -> None:
        self.query_one("#recharge-box").border_title = "Auto-recharge"

    def _draft(self, state: AccountState) -> AutoRechargeUpdate | None:
        if state.auto_recharge_draft is not None:
            return state.auto_recharge_draft
        return state.auto_recharge.as_update() if state.auto_recharge else None

    def unsaved_changes(self) -> str | None:
        state = self.state
        if state.auto_recharge is None or state.auto_recharge_draft is None:
            return None
        if state.auto_recharge_draft == state.auto_recharge.as_update():
            return None
        return "You have unsaved auto-recharge changes. Leave and discard them?"

    def discard_changes(self) -> None:
        self.store.edit_auto_recharge(None)

    def show_state(self, state: AccountState) -> None:
        saved, draft = state.auto_recharge, self._draft(state)
        if saved is None or draft is None:
            show_text(self.query_one("#recharge-status", Static), "Loading your settings...")
            return
        if state.account is not None:
            self._currency = state.account.currency
        bounds = saved.bounds
        with self.prevent(
            Switch.Changed, Slider.Changed, RadioSet.Changed, Select.Changed, Input.Changed
        ):
            self._show_cards(state, draft)
            self._show_limits(draft)
            self.query_one("#enabled", Switch).value = draft.enabled
            self._set_slider(
                "#threshold",
                draft.threshold,
                bounds.threshold_min,
                bounds.threshold_max,
                bounds.step,
            )
            target_mode = draft.mode == "top_up_to"
            value = (
                (draft.target or draft.threshold + draft.amount) if target_mode else draft.amount
            )
            self._set_slider("#amount", value, bounds.amount_min, bounds.amount_max, bounds.step)
            self.query_one("#mode-target" if target_mode else "#mode-add", RadioButton).value = True
        show_text(
            self.query_one("#amount-label", Label),
            "Top up to" if target_mode else "Add this amount",
        )
        show_text(self.query_one("#enabled-text", Static), "On" if draft.enabled else "Off")
        self._show_texts(state, saved, draft)

    def _set_slider(self, selector: str, value: int, low: int, high: int, step: int) -> None:
        slider = self.query_one(selector, Slider)
        slider.step, slider.min, slider.max = step, low, high
        slider.value = value

    def _show_cards(self, state: AccountState, draft: AutoRechargeUpdate) -> None:
        cards = state.payment_methods
        primary = self._primary(state, draft)
        others = tuple(m for m in cards if m is not primary)  # a card cannot back itself up
        card, backup = self.query_one("#card", Select), self.query_one("#backup", Select)
        for select, shown in ((card, cards), (backup, others)):
            if self._options.get(select.id) != shown:
                self._options[select.id] = shown
                select.set_options([(_card_choice(m), m.id) for m in shown])
        card.value = primary.id if primary is not None else Select.NULL
        card.disabled = not cards
        backup_id = draft.backup_payment_method_id
        backup.value = backup_id if any(m.id == backup_id for m in others) else Select.NULL
        backup.disabled = not others

    def _show_limits(self, draft: AutoRechargeUpdate) -> None:
        daily = "" if draft.daily_limit is None else str(draft.daily_limit)
        cap = draft.monthly_cap
        monthly = "" if cap is None else format_money(cap, self._currency, symbol=False)
        for selector, text in (("#daily-limit", daily), ("#monthly-cap", monthly)):
            field = self.query_one(selector, Input)
            # The field being typed in keeps what is typed ("5" and "5.00" are one amount).
            if not field.has_focus and field.id not in self._invalid:
                field.value = text

    def _primary(self, state: AccountState, draft: AutoRechargeUpdate) -> PaymentMethod | None:
        return state.payment_method(draft.payment_method_id) or state.default_payment_method

    def _show_texts(
        self, state: AccountState, saved: AutoRecharge, draft: AutoRechargeUpdate
    ) -> None:
        from screens.format import recharge_sentence

        method = self._primary(state, draft)
        backup = state.payment_method(draft.backup_payment_method_id)
        sentence = recharge_sentence(draft, method, self._currency, backup)
        self.query_one("#sentence", LineStatic).update(sentence)  # repaints changed cells only
        unsaved = self.unsaved_changes() is not None
        status = "* Unsaved changes (ctrl+s to save)" if unsaved else "Saved"
        if state.busy("save_auto_recharge"):
            status = "Saving..."
        marker = self.query_one("#recharge-status", Static)
        marker.set_class(unsaved, "-warning")
        show_text(marker, status)
        notes = []
        if not saved.enabled and saved.disabled_reason:
            notes.append(f"Turned off: {clean(saved.disabled_reason)}")
        if saved.last_attempt is not None:
            attempt = saved.last_attempt
            failure = f" ({clean(attempt.failure_code)})" if attempt.failure_code else ""
            notes.append(f"Last attempt: {clean(attempt.status)}{failure}")
        if method is None:
            notes.append("No card on file: pay once with 'save this card' to use auto-recharge.")
        notes.extend(self._invalid.values())
        show_text(self.query_one("#recharge-note", Static), "\n".join(notes))

    def _edit(self, **changes: Any) -> None:
        draft = self._draft(self.state)
        if draft is None:
            return
        if "payment_method_id" not in changes and draft.payment_method_id is None:
            default = self.state.default_payment_method
            changes["payment_method_id"] = default.id if default else None
        self.store.edit_auto_recharge(draft.model_copy(update=changes))

    @on(Switch.Changed, "#enabled")
    def _enabled(self, event: Switch.Changed) -> None:
        self._edit(enabled=event.value)

    @on(RadioSet.Changed, "#mode")
    def _mode(self, event: RadioSet.Changed) -> None:
        target = event.pressed.id == "mode-target"
        draft = self._draft(self.state)
        if draft is None:
            return
        if target:
            self._edit(mode="top_up_to", target=draft.target or draft.threshold + draft.amount)
        else:
            self._edit(mode="add")

    @on(Slider.Changed, "#threshold")
    def _threshold(self, event: Slider.Changed) -> None:
        self._edit(threshold=event.value)

    @on(Slider.Changed, "#amount")
    def _amount(self, event: Slider.Changed) -> None:
        draft = self._draft(self.state)
        if draft is not None and draft.mode == "top_up_to":
            self._edit(target=event.value)
        else:
            self._edit(amount=event.value)

    @on(Select.Changed, "#card")
    def _card(self, event: Select.Changed) -> None:
        if event.value is not Select.NULL:
            draft = self._draft(self.state)
            changes: dict[str, Any] = {"payment_method_id": str(event.value)}
            if draft is not None and draft.backup_payment_method_id == event.value:
                changes["backup_payment_method_id"] = None  # one card cannot back itself up
            self._edit(**changes)

    @on(Select.Changed, "#backup")
    def _backup(self, event: Select.Changed) -> None:
        chosen = None if event.value is Select.NULL else str(event.value)
        self._edit(backup_payment_method_id=chosen)

    @on(Input.Changed, "#daily-limit")
    def _daily_limit(self, event: Input.Changed) -> None:
        text = event.value.strip()
        count = int(text) if text.isdigit() else None
        if text and (count is None or not 1 <= count <= 100):
            self._refuse("daily-limit", "Recharges a day: a whole number from 1 to 100.")
            return
        self._accept("daily-limit", daily_limit=count)

    @on(Input.Changed, "#monthly-cap")
    def _monthly_cap(self, event: Input.Changed) -> None:
        text = event.value.strip()
        try:
            cap = parse_money(text, self._currency) if text else None
        except MoneyError as error:
            self._refuse("monthly-cap", f"Monthly cap: {error}")
            return
        self._accept("monthly-cap", monthly_cap=cap)

    def _refuse(self, field: str, why: str) -> None:
        self._invalid[field] = why
        self.show_state(self.state)

    def _accept(self, field: str, **changes: Any) -> None:
        self._invalid.pop(field, None)
        self._edit(**changes)
        self.show_state(self.state)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "save" and self.state.busy("save_auto_recharge"):
            return None
        return True

    def action_save(self) -> None:
        draft = self._draft(self.state)
        if draft is None or self.state.busy("save_auto_recharge"):
            return
        if self._invalid:
            self._say(" ".join(self._invalid.values()))
            return
        self._say("")
        self.save(draft)

    @work(exclusive=True, group="save_auto_recharge", exit_on_error=False)
    async def save(self, draft: AutoRechargeUpdate) -> None:
        try:
            await self.store.save_auto_recharge(draft)
        except Conflict:
            self.store.edit_auto_recharge(None)
            await self.store.refresh()
            # Said in the screen's own message line; a toast would cover that very line at 80x24.
            self._say("Someone changed these settings elsewhere: the saved values are shown now.")
            return
        self.store.edit_auto_recharge(None)
        self.notify("Auto-recharge settings saved.", title="Saved")

    def show_error(self, worker: Worker[Any], error: BaseException) -> None:
        self._say(describe_error(error)[1])

    def _say(self, message: str) -> None:
        line = self.query_one("#recharge-message", Static)
        line.set_class(bool(message), "-error")
        line.update(
            f"Error: {message}" if message and not message.startswith("Someone") else message
        )


def _card_choice(method: PaymentMethod) -> str:
    return f"{card_label(method)}, expires {card_expiry(method)}"
