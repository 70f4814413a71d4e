"""Sign in: which server, email, masked password, remember me; errors inline, never a crash."""

from __future__ import annotations

import time
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.timer import Timer
from textual.widgets import Button, Checkbox, Input, Static
from textual.worker import Worker

from credits_client.state import AccountState
from screens.base import AccountScreen, credits_app, show_text
from screens.safe_text import clean
from widgets.key_footer import KeyFooter
from widgets.primary_button import PrimaryButton
from widgets.textual_hooks.first_screen import StyledOnceScreen
from widgets.toggles import TickBox


class LoginScreen(AccountScreen, StyledOnceScreen):
    """The first screen, at the bottom of the stack until signed in; also pushed over the others
    when a session expires (`reauth`), and dismissed once signed in again."""

    # No CSS_PATH: login.tcss is the app's stylesheet (tui/app.py), read with Textual's own at
    # start. Pushing a screen that brings CSS re-parses every stylesheet loaded so far.
    AUTO_FOCUS = ".first-field"  # the email, or the password once the email is known
    BINDINGS = [
        Binding("ctrl+o", "use_demo", "Use demo login", id="login.demo"),
        Binding("ctrl+n", "invitation", "I have an invitation", id="login.invitation"),
        Binding("ctrl+t", "reset_code", "I have a reset code", id="login.reset_code"),
    ]

    def __init__(self, *, reauth: bool = False) -> None:
        super().__init__()
        self.reauth = reauth
        self._retry_at = 0.0
        self._countdown: Timer | None = None
        self._dismissed = False
        self._signing_in = False
        # "I have an invitation": the code, email and a new password join the team's account.
        self._joining = False

    def compose(self) -> ComposeResult:
        # Everything the first frame shows is given here rather than set in on_mount: a change
        # after mounting costs another layout and frame before the screen is complete. Labels
        # are the inputs' border titles and there is no Header: each widget is start-up time.
        email = credits_app(self.app).email
        title = "Sign in to Credits"
        if self.reauth:
            title = "Your session ended: sign in again"
            if self.state.user is not None:
                email = self.state.user.email
        email_input = Input(email, placeholder="your email address", id="email")
        email_input.border_title = "Email"
        password_input = Input(placeholder="password", password=True, id="password")
        password_input.border_title = "Password"
        (password_input if email else email_input).add_class("first-field")
        with Vertical(id="login-box"):
            yield Static(title, id="login-title", markup=False)
            yield Static(self._server_text(self.state), id="server-line", markup=False)
            # The invitation code's field comes with ctrl+n (action_invitation): one input less
            # to compose, style and lay out before the first paint.
            yield email_input
            yield password_input
            remember = credits_app(self.app).remember_session
            yield TickBox("Remember me on this computer", remember, id="remember")
            yield PrimaryButton("Sign in", id="sign-in")
            yield Static(id="login-error", markup=False)
            demo_line = Static(self._demo_text(self.state), id="demo-line", markup=False)
            demo_line.display = bool(demo_line.content)
            yield demo_line
        yield KeyFooter(compact=True)

    def show_state(self, state: AccountState) -> None:
        # Signed in by a remembered session (or elsewhere); our own sign-in dismisses when done,
        # since leaving earlier would cancel its worker while it loads the account.
        if state.signed_in and not self._signing_in:
            self._leave()
            return
        server = self.query_one("#server-line", Static)
        server.set_class(state.connection == "offline", "-error")
        show_text(server, self._server_text(state))
        demo_line = self.query_one("#demo-line", Static)
        demo_text = self._demo_text(state)
        demo_line.display = bool(demo_text)
        show_text(demo_line, demo_text)
        busy = state.busy("login") or self._retry_at > time.monotonic()
        self.query_one("#sign-in", Button).disabled = busy
        self.refresh_bindings()

    @staticmethod
    def _server_text(state: AccountState) -> str:
        url = clean(state.api_url or "the credits server")
        if state.connection == "online":
            return f"Server: {url} (online)"
        if state.connection == "offline":
            return f"Server unreachable: {url}. Retrying..."
        if state.connection == "reconnecting":
            return f"Reconnecting to {url}..."
        return f"Connecting to {url}..."

    def _demo_text(self, state: AccountState) -> str:
        """The demo account's sign-in, when the server offers one and the hint is on."""
        demo = state.server.demo if state.server is not None else None
        if demo is None or not credits_app(self.app).demo_hint:
            return ""
        return f"Demo server: sign in as {clean(demo.email)} / {clean(demo.password)} (ctrl+o)"

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "use_demo":
            state = self.state
            return not self._joining and state.server is not None and state.server.demo is not None
        if action == "invitation":
            return not self.reauth
        return True

    async def action_invitation(self) -> None:
        """Switch between signing in and joining with an invitation code."""
        self._joining = joining = not self._joining
        if joining and not self.query("#invitation-code"):
            code_input = Input(placeholder="ABCD-EFGH-JKMN-PQRS", id="invitation-code")
            code_input.border_title = "Invitation code"
            await self.query_one("#login-box").mount(code_input, before="#email")
        else:
            self.query_one("#invitation-code", Input).display = joining
        self.query_one("#login-title", Static).update(
            "Join a team with your invitation" if joining else "Sign in to Credits"
        )
        password = self.query_one("#password", Input)
        password.border_title = "New password (8 or more characters)" if joining else "Password"
        self.query_one("#sign-in", Button).label = "Join" if joining else "Sign in"
        self._say("", error=False)
        # After the refresh that shows the code field: a hidden widget takes no focus.
        self.call_after_refresh(self.query_one("#invitation-code" if joining else "#email").focus)
        self.refresh_bindings()

    def action_use_demo(self) -> None:
        demo = self.state.server.demo if self.state.server is not None else None
        if demo is not None:
            self.query_one("#email", Input).value = demo.email
            self.query_one("#password", Input).value = demo.password
            self.query_one("#sign-in", Button).focus()

    @on(Input.Submitted, "#invitation-code")
    def _to_email(self) -> None:
        self.query_one("#email", Input).focus()

    def action_reset_code(self) -> None:
        from screens.reset_code import ResetCodeScreen  # rarely needed: not at start-up

        def done(email: str | None) -> None:
            if email:
                self.query_one("#email", Input).value = email
                self.query_one("#password", Input).focus()
                self._say("Password changed: sign in with the new one.", error=False)

        self.app.push_screen(ResetCodeScreen(self.query_one("#email", Input).value), done)

    @on(Input.Submitted, "#email")
    def _next_field(self) -> None:
        self.query_one("#password", Input).focus()

    @on(Input.Submitted, "#password")
    @on(Button.Pressed, "#sign-in")
    def _submit(self) -> None:
        email = self.query_one("#email", Input).value.strip()
        password = self.query_one("#password", Input).value
        if not email or not password:
            self._say("Enter your email and password.")
            return
        if self._retry_at > time.monotonic():
            return
        if self.state.connection != "online":
            self._say(f"Still connecting to {self.state.api_url or 'the server'}; try again soon.")
            return
        remember = self.query_one("#remember", Checkbox).value
        if not self._joining:
            self._say("Signing in...", error=False)
            self.sign_in(email, password, remember)
            return
        code = self.query_one("#invitation-code", Input).value.strip()
        if not code:
            self._say("Enter the invitation code you were given.")
            return
        if len(password) < 8:
            self._say("Choose a password of 8 or more characters.")
            return
        self._say("Joining...", error=False)
        self.sign_in(email, password, remember, code)

    @work(exclusive=True, group="login", exit_on_error=False)
    async def sign_in(self, email: str, password: str, remember: bool, code: str = "") -> None:
        self._signing_in = True
        try:
            if code:
                await self.store.accept_invitation(code, email, password, remember=remember)
            else:
                await self.store.login(email, password, remember=remember)
        finally:
            self._signing_in = False
        self.query_one("#password", Input).value = ""
        self._leave()

    def _leave(self) -> None:
        if not self._dismissed:
            self._dismissed = True
            if self.reauth:
                self.dismiss(True)
            else:
                credits_app(self.app).signed_in()

    def show_error(self, worker: Worker[Any], error: BaseException) -> None:
        # Imported here, as the other modules only later screens need: not for the first paint.
        from credits_client.api.errors import RateLimited, ServerUnreachable
        from screens.messages import UNREACHABLE, describe_error

        if not isinstance(error, ServerUnreachable):
            # The server said no: the next try starts from an empty field, not appended to this.
            self.query_one("#password", Input).value = ""
        if isinstance(error, RateLimited):
            self._retry_at = time.monotonic() + error.retry_after
            self._tick()
            self._countdown = self.set_interval(1.0, self._tick)
            return
        if isinstance(error, ServerUnreachable):
            self._say(UNREACHABLE)
            return
        self._say(describe_error(error)[1])
        self.query_one("#password", Input).focus()

    def _tick(self) -> None:
        from screens.messages import wait_text

        left = self._retry_at - time.monotonic()
        button = self.query_one("#sign-in", Button)
        if left <= 0:
            if self._countdown is not None:
                self._countdown.stop()
            self._say("You can try again now.", error=False)
            button.disabled = self.state.busy("login")
            return
        button.disabled = True
        tries = "invitation codes tried" if self._joining else "attempts"
        self._say(f"Too many {tries}. Try again in {wait_text(left)}.")

    def _say(self, message: str, *, error: bool = True) -> None:
        line = self.query_one("#login-error", Static)
        line.set_class(error, "-error")
        line.update(Content(f"Error: {message}" if error else message))
