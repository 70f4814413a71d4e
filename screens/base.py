"""What every account screen shares: it renders the app's one AccountState and maps errors once."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from textual import events
from textual.app import App
from textual.screen import ModalScreen
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from credits_client.state import AccountState
from screens.host import AccountHost
from widgets.textual_hooks.quiet_focus import QuietFocusScreen

if TYPE_CHECKING:
    from credits_client.store import AccountStore


def credits_app(app: App[Any]) -> AccountHost:
    """`app` as the screens see it; the app shell checks that its app satisfies AccountHost."""
    return cast("AccountHost", app)


def show_text(widget: Static, text: str) -> None:
    """Update `widget` only if it shows something else: `Static.update` always relayouts and
    repaints, and over SSH every repainted cell is bytes on the link."""
    if widget.content != text:
        widget.update(text)


class AccountScreen(QuietFocusScreen[Any]):
    """A full screen that re-renders from every new AccountState; never keeps its own copy.

    Only the active screen renders: a screen below it would otherwise redraw on every change
    (a slider step is a new draft) and Textual forwards a background screen's dirty regions to
    the top one. A screen that comes back to the top renders once, if the state moved meanwhile.
    """

    @property
    def state(self) -> AccountState:
        return credits_app(self.app).account_state

    @property
    def store(self) -> AccountStore:
        return credits_app(self.app).store

    _rendered: AccountState | None = None

    def on_mount(self) -> None:
        # Textual calls on_mount of every class in the MRO, most derived first, so subclasses
        # set up their widgets in their own on_mount (no super() call) before this first render.
        self.watch(self.app, "account_state", self._state_changed)

    def _state_changed(self, state: AccountState) -> None:
        if self._visible():
            self._render_state(state)

    def _visible(self) -> bool:
        """On top, or just below a modal (which shows this screen around it)."""
        stack = self.app.screen_stack
        if stack and stack[-1] is self:
            return True
        return len(stack) > 1 and stack[-2] is self and isinstance(stack[-1], ModalScreen)

    def on_screen_resume(self, _event: events.ScreenResume) -> None:
        self._render_state(self.state)

    def _render_state(self, state: AccountState) -> None:
        if state is not self._rendered:
            self._rendered = state
            self.show_state(state)

    def show_state(self, state: AccountState) -> None:
        """Draw the screen from `state`; called at mount and on every change."""

    def unsaved_changes(self) -> str | None:
        """What leaving now would lose, as a question for the user; None when nothing."""
        return None

    def discard_changes(self) -> None:
        """Drop what `unsaved_changes` warned about, once the user chose to leave."""

    def action_back(self) -> None:
        reason = self.unsaved_changes()
        if reason is None:
            self.app.pop_screen()
        else:
            from screens.confirm import ConfirmScreen  # not needed for the first paint

            self.app.push_screen(ConfirmScreen(reason), self._leave_if_confirmed)

    def _leave_if_confirmed(self, confirmed: bool | None) -> None:
        if confirmed and self.is_current:
            self.discard_changes()
            self.app.pop_screen()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # The one error path: a failed call is shown, never raised into the app.
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self.show_error(event.worker, event.worker.error)

    def show_error(self, worker: Worker[Any], error: BaseException) -> None:
        """Tell the user what went wrong; screens override this for inline messages."""
        from screens.messages import describe_error  # not needed for the first paint

        title, message = describe_error(error)
        self.notify(message, title=title, severity="error", markup=False)
