"""Set a new password with the one-time reset code an operator gave out, then sign in again."""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Button, Input, Static
from textual.worker import Worker

from screens.base import AccountScreen
from screens.messages import describe_error
from widgets.key_footer import KeyFooter

MIN_PASSWORD = 8  # the server's rule too; said here before the round trip


class ResetCodeScreen(AccountScreen):
    """Dismissed with the email whose password was set, or None when left."""

    CSS_PATH = "reset_code.tcss"
    AUTO_FOCUS = "#reset-code"
    BINDINGS = [Binding("escape", "back", "Back", id="reset_code.back")]

    def __init__(self, email: str = "") -> None:
        super().__init__()
        self._email = email

    def compose(self) -> ComposeResult:
        fields = [
            ("reset-code", "Reset code", "XXXX-XXXX-XXXX", False, ""),
            ("reset-email", "Email", "your email address", False, self._email),
            ("reset-password", "New password", "at least 8 characters", True, ""),
        ]
        with Vertical(id="reset-box"):
            yield Static("Set a new password with your reset code", id="reset-title")
            for field_id, title, placeholder, secret, value in fields:
                field = Input(value, placeholder=placeholder, password=secret, id=field_id)
                field.border_title = title
                yield field
            yield Button("Set password", id="reset-send", variant="primary")
            yield Static(id="reset-result", markup=False)
        yield KeyFooter(compact=True)

    def action_back(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted, "#reset-code")
    def _to_email(self) -> None:
        self.query_one("#reset-email", Input).focus()

    @on(Input.Submitted, "#reset-email")
    def _to_password(self) -> None:
        self.query_one("#reset-password", Input).focus()

    @on(Input.Submitted, "#reset-password")
    @on(Button.Pressed, "#reset-send")
    def _submit(self) -> None:
        code = self.query_one("#reset-code", Input).value.strip()
        email = self.query_one("#reset-email", Input).value.strip()
        password = self.query_one("#reset-password", Input).value
        if not code or not email:
            self._say("Enter the code and your email.")
        elif len(password) < MIN_PASSWORD:
            self._say(f"The new password needs at least {MIN_PASSWORD} characters.")
        else:
            self._say("Setting the password...", error=False)
            self.redeem(code, email, password)

    @work(exclusive=True, group="reset", exit_on_error=False)
    async def redeem(self, code: str, email: str, password: str) -> None:
        await self.store.redeem_reset_code(code, email, password)
        self.dismiss(email)

    def show_error(self, worker: Worker[Any], error: BaseException) -> None:
        self._say(describe_error(error)[1])

    def _say(self, message: str, *, error: bool = True) -> None:
        line = self.query_one("#reset-result", Static)
        line.set_class(error, "-error")
        line.update(Content(f"Error: {message}" if error else message))
