"""Sign in: which server, email, masked password, remember me; errors inline, never a crash."""

from __future__ import annotations

import time
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.timer import Timer
from textual.widgets import Button, Checkbox, Header, Input, Label, Static
from textual.worker import Worker

from screens.base import AccountScreen, credits_app
from screens.format import clean
from screens.messages import UNREACHABLE, describe_error, wait_text
from tui.api.errors import RateLimited, ServerUnreachable
from tui.state import AccountState
from widgets.key_footer import KeyFooter


class LoginScreen(AccountScreen):
    """The first screen; also pushed over the others when a session expires (`reauth`)."""

    CSS_PATH = "login.tcss"
    AUTO_FOCUS = "#email"
    BINDINGS = [
        Binding("ctrl+o", "use_demo", "Use demo login", id="login.demo"),
    ]

    def __init__(self, *, reauth: bool = False) -> None:
        super().__init__()
        self.reauth = reauth
        self._retry_at = 0.0
        self._countdown: Timer | None = None
        self._dismissed = False
        self._signing_in = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="login-box"):
            yield Static(id="login-title")
            yield Static(id="server-line", markup=False)
            with Horizontal(classes="field"):
                yield Label("Email", classes="field-label")
                yield Input(placeholder="you@company.com", id="email")
            with Horizontal(classes="field"):
                yield Label("Password", classes="field-label")
                yield Input(placeholder="password", password=True, id="password")
            yield Checkbox("Remember me on this computer", id="remember")
            yield Button("Sign in", id="sign-in", variant="primary")
            yield Static(id="login-error", markup=False)
            yield Static(id="demo-line", markup=False)
        yield KeyFooter(compact=True)

    def on_mount(self) -> None:
        title = "Your session ended: sign in again" if self.reauth else "Sign in to Credits"
        self.query_one("#login-title", Static).update(title)
        if self.reauth and self.state.user is not None:
            self.query_one("#email", Input).value = self.state.user.email
            self.query_one("#password", Input).focus()
        elif credits_app(self.app).email:
            self.query_one("#email", Input).value = credits_app(self.app).email
            self.query_one("#password", Input).focus()

    def show_state(self, state: AccountState) -> None:
        # Signed in by a remembered session (or elsewhere); our own sign-in dismisses when done,
        # since leaving earlier would cancel its worker while it loads the account.
        if state.signed_in and not self._signing_in:
            self._leave()
            return
        server = self.query_one("#server-line", Static)
        url = clean(state.api_url or "the credits server")
        server.set_class(state.connection == "offline", "-error")
        if state.connection == "online":
            server.update(f"Server: {url} (online)")
        elif state.connection == "offline":
            server.update(f"Server unreachable: {url}. Retrying...")
        elif state.connection == "reconnecting":
            server.update(f"Reconnecting to {url}...")
        else:
            server.update(f"Connecting to {url}...")
        demo = state.server.demo if state.server is not None else None
        show_demo = demo is not None and credits_app(self.app).demo_hint
        demo_line = self.query_one("#demo-line", Static)
        demo_line.display = show_demo
        if demo is not None:
            demo_line.update(
                f"Demo server: sign in as {clean(demo.email)} / {clean(demo.password)} (ctrl+o)"
            )
        busy = state.busy("login") or self._retry_at > time.monotonic()
        self.query_one("#sign-in", Button).disabled = busy
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "use_demo":
            state = self.state
            return state.server is not None and state.server.demo is not None
        return True

    def action_use_demo(self) -> None:
        demo = self.state.server.demo if self.state.server is not None else None
        if demo is not None:
            self.query_one("#email", Input).value = demo.email
            self.query_one("#password", Input).value = demo.password
            self.query_one("#sign-in", Button).focus()

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
        self._say("Signing in...", error=False)
        self.sign_in(email, password, self.query_one("#remember", Checkbox).value)

    @work(exclusive=True, group="login", exit_on_error=False)
    async def sign_in(self, email: str, password: str, remember: bool) -> None:
        self._signing_in = True
        try:
            await self.store.login(email, password, remember=remember)
        finally:
            self._signing_in = False
        self.query_one("#password", Input).value = ""
        self._leave()

    def _leave(self) -> None:
        if not self._dismissed:
            self._dismissed = True
            self.dismiss(True)

    def show_error(self, worker: Worker[Any], error: BaseException) -> None:
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
        left = self._retry_at - time.monotonic()
        button = self.query_one("#sign-in", Button)
        if left <= 0:
            if self._countdown is not None:
                self._countdown.stop()
            self._say("You can try again now.", error=False)
            button.disabled = self.state.busy("login")
            return
        button.disabled = True
        self._say(f"Too many attempts. Try again in {wait_text(left)}.")

    def _say(self, message: str, *, error: bool = True) -> None:
        line = self.query_one("#login-error", Static)
        line.set_class(error, "-error")
        line.update(Content(f"Error: {message}" if error else message))
