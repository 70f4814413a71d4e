"""Auto-recharge settings: on/off, threshold and amount sliders, the live sentence, ctrl+s saves."""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Header, Label, RadioButton, RadioSet, Static, Switch
from textual.worker import Worker

from credits_client.api.errors import Conflict
from credits_client.api.models import AutoRecharge, AutoRechargeUpdate
from credits_client.state import AccountState
from credits_core.money import format_money
from screens.base import AccountScreen, show_text
from screens.format import card_label, clean
from screens.messages import describe_error
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

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="recharge-box"):
            yield Static(id="recharge-status", markup=False)
            with Horizontal(classes="row"):
                yield Label("Auto-recharge", classes="row-label", id="enabled-label")
                yield Switch(id="enabled", animate=False)
                yield Static(id="enabled-text", markup=False)
            with Horizontal(classes="row"):
                yield Label("Mode", classes="row-label")
                with RadioSet(id="mode", compact=True):
                    yield RadioButton("Add an amount", id="mode-add", value=True)
                    yield RadioButton("Top up to a target", id="mode-target")
            with Horizontal(classes="row"):
                yield Label("When balance falls below", classes="row-label")
                yield Slider(id="threshold", formatter=self._money)
            with Horizontal(classes="row"):
                yield Label("Add this amount", classes="row-label", id="amount-label")
                yield Slider(id="amount", formatter=self._money)
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
        with self.prevent(Switch.Changed, Slider.Changed, RadioSet.Changed):
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

    def _show_texts(
        self, state: AccountState, saved: AutoRecharge, draft: AutoRechargeUpdate
    ) -> None:
        from screens.format import recharge_sentence

        method = state.payment_method(draft.payment_method_id) or state.default_payment_method
        sentence = recharge_sentence(draft, method, self._currency)
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
        else:
            notes.append(f"Charged to {card_label(method)}.")
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

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "save" and self.state.busy("save_auto_recharge"):
            return None
        return True

    def action_save(self) -> None:
        draft = self._draft(self.state)
        if draft is None or self.state.busy("save_auto_recharge"):
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
            self._say("Someone changed these settings elsewhere: the saved values are shown now.")
            self.notify(
                "Reloaded the server's settings.", title="Changed elsewhere", severity="warning"
            )
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
