"""The Textual App: a thin bridge from the one AccountStore to the screens."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, work
from textual.app import App
from textual.binding import Binding
from textual.reactive import var
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from credits_client.state import AccountState
from screens.login import LoginScreen
from screens.roles import screen_refusal
from tui import screen_loaders
from tui.commands import ScreenCommands
from widgets.textual_hooks.crash_report import CrashReportApp
from widgets.textual_hooks.first_screen import replaceable
from widgets.textual_hooks.shown_rows import ShownRows, sparing_driver

if TYPE_CHECKING:
    from textual.filter import LineFilter

    from credits_client.api.models import Event
    from credits_client.store import AccountStore
    from screens.host import AccountHost


StoreOpener = Callable[[], Awaitable["AccountStore"]]


class StartupError(Exception):
    """The app cannot start (a bad configuration, say); the message is one line for a person."""

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code


class CreditsApp(CrashReportApp[None]):
    """Holds the store and its latest state; screens watch `account_state` and render it."""

    # The first screen's styles load with the app's: see LoginScreen. A full path: Textual reads
    # a relative one beside the module of whichever subclass is run.
    CSS_PATH = Path(__file__).resolve().parent.parent / "screens" / "login.tcss"
    TITLE = "Credits"
    SUB_TITLE = "calling credit"
    CSS = """
    .-error { color: $text-error; }
    .-warning { color: $text-warning; }
    """
    COMMANDS = App.COMMANDS | {ScreenCommands}
    # The screens a key or the command palette opens by name (`open_screen`), in palette order.
    SCREENS: ClassVar[dict[str, Callable[[], Screen[Any]]]] = {
        "dashboard": screen_loaders.dashboard,
        "add_credits": screen_loaders.add_credits,
        "auto_recharge": screen_loaders.auto_recharge,
        "transactions": screen_loaders.transactions,
        "support": screen_loaders.support,
        "ssh_keys": screen_loaders.ssh_keys,
        "notifications": screen_loaders.notifications,
        "team": screen_loaders.team,
        "sessions": screen_loaders.sessions,
        "activity": screen_loaders.activity,
        "help": screen_loaders.help_keys,
    }
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", priority=True, id="app.quit"),
        Binding("ctrl+l", "redraw", "Redraw the screen", show=False, id="app.redraw"),
    ]

    account_state: var[AccountState] = var(AccountState, always_update=False)

    def __init__(
        self,
        store: AccountStore | StoreOpener,
        *,
        mouse: bool = True,
        demo_hint: bool = True,
        today: date | None = None,
        email: str = "",
        ascii_only: bool = False,
        remember_session: bool = False,
        keymap: Mapping[str, str] | None = None,
    ) -> None:
        # Rows of the terminal as last drawn, so full repaints send only what changed.
        self.shown_rows = ShownRows()
        super().__init__(driver_class=sparing_driver(self.get_driver_class(), self.shown_rows))
        self.email = email  # prefilled on the sign-in screen (the `email` setting)
        self.ascii_only = ascii_only  # the `ascii` setting: widgets ask it (widgets.glyphs)
        self.remember_session = remember_session  # "Remember me" ticked at first
        self.keymap = dict(keymap or {})  # binding id -> keys (the `[keymap]` setting)
        self._ascii_filter: LineFilter | None = None
        if ascii_only:
            from widgets.textual_hooks.ascii_only import AsciiOnly

            self._ascii_filter = AsciiOnly()
        # A store, or a coroutine function that opens one once the login screen is painted: the
        # CLI passes the latter, so settings, httpx and the embedded server cost no start-up time.
        self._store: AccountStore | None = None if callable(store) else store
        self._open_store: StoreOpener | None = store if callable(store) else None
        self.mouse_enabled = mouse
        self.demo_hint = demo_hint
        self.today = today or date.today()
        if self._store is not None:
            self.set_reactive(CreditsApp.account_state, self._store.state)
        self._unsubscribe: Callable[[], None] | None = None
        self.startup_notices: list[str] = []
        self.startup_error: StartupError | None = None
        self._unsubscribe_events: Callable[[], None] = lambda: None

    def action_redraw(self) -> None:
        """Send the whole screen again, for a terminal that lost or garbled what it showed."""
        self.shown_rows.forget()
        self.screen.refresh()

    def on_resize(self, event: events.Resize) -> None:
        self.shown_rows.resized(event.size.width, event.size.height)

    def action_refresh_account(self) -> None:
        """Read the account again (the palette's Refresh), once signed in."""
        if not self.account_state.signed_in:
            self.notify("Sign in first.", severity="warning")
            return
        self.refresh_account()

    @work(exclusive=True, group="refresh", exit_on_error=False)
    async def refresh_account(self) -> None:
        await self.store.refresh()

    @property
    def store(self) -> AccountStore:
        """The one store. Screens act only once the state says online, so it exists by then."""
        if self._store is None:
            raise RuntimeError("the account store is not open yet")
        return self._store

    def launch(self) -> None:
        """Run with the configured mouse setting (Textual takes it at run time, not in App())."""
        self.run(mouse=self.mouse_enabled)

    def get_line_filters(self) -> Sequence[LineFilter]:
        """Textual's filters, then ASCII only when the `ascii` setting is on."""
        filters = super().get_line_filters()
        return filters if self._ascii_filter is None else [*filters, self._ascii_filter]

    def get_key_display(self, binding: Binding) -> str:
        """Textual's key names, or in ASCII the key's own name ("enter" rather than a symbol)."""
        shown = super().get_key_display(binding)
        if self.ascii_only and not shown.isascii():
            return binding.key.split(",")[0]
        return shown

    def on_mount(self) -> None:
        if self.keymap:
            self.set_keymap(self.keymap)
            # After the first paint: finding every binding imports every screen.
            self.call_after_refresh(self._check_keymap)
        if self._store is not None:
            self._use_store(self._store)
        else:
            # After the first paint: its imports would compete with drawing the login screen.
            self.call_after_refresh(self.open_store)
        for notice in self.startup_notices:
            self.notify(notice, severity="warning", markup=False)

    def get_default_screen(self) -> Screen[Any]:
        # The sign-in screen is the first screen rather than pushed over Textual's blank one:
        # no second screen to compose, lay out and resize before the first frame.
        return replaceable(LoginScreen())

    def _check_keymap(self) -> None:
        from tui.keymap import binding_ids, unknown_ids

        for warning in unknown_ids(self.keymap, binding_ids()):
            self.notify(warning, severity="warning", markup=False, timeout=30)

    def _use_store(self, store: AccountStore) -> None:
        # The store calls back on this loop, so a plain assignment is on the Textual thread.
        self._store = store
        self._unsubscribe = store.subscribe(self._store_changed)
        self._unsubscribe_events = store.subscribe_events(self._server_event)
        self.account_state = store.state
        self.connect_store()

    @work(exclusive=True, group="open-store", exit_on_error=False)
    async def open_store(self) -> None:
        assert self._open_store is not None
        try:
            store = await self._open_store()
        except StartupError as error:
            self.startup_error = error
            self.exit(return_code=error.exit_code)
            return
        self._use_store(store)

    async def on_unmount(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe_events()
        if self._store is not None:
            await self._store.close()

    def _store_changed(self, state: AccountState) -> None:
        self.account_state = state

    def _server_event(self, event: Event) -> None:
        # The state already has the news; this only says it out loud when it matters.
        from screens.messages import describe_event  # signed in by now: not at start-up

        described = describe_event(event, left_with_bank=self.store.left_with_bank)
        if described is not None:
            title, message, severity = described
            self.notify(message, title=title, severity=severity, markup=False)

    @work(exclusive=True, group="connect", exit_on_error=False)
    async def connect_store(self) -> None:
        await self.store.connect()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            from screens.messages import describe_error  # not needed for the first paint

            title, message = describe_error(event.worker.error)
            self.notify(message, title=title, severity="error", markup=False)

    def watch_account_state(self, old: AccountState, new: AccountState) -> None:
        expired = new.session_expired and not old.session_expired
        if expired and not isinstance(self.screen, LoginScreen):
            self.push_screen(LoginScreen(reauth=True))
        elif old.user is not None and new.user is None and not new.session_expired:
            self._back_to_login()

    def signed_in(self) -> None:
        """The sign-in screen at the bottom of the stack gives way to the dashboard."""
        self.switch_screen(self.SCREENS["dashboard"]())

    def _back_to_login(self) -> None:
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.switch_screen(LoginScreen())

    def open_screen(self, name: str) -> None:
        """Open a screen by its name in SCREENS (keys and the command palette), once signed in.

        A fresh screen each time, rather than Textual's `push_screen(name)`: that keeps one
        screen per name alive once closed, with what was typed into it, even past a sign-out.
        """
        if not self.account_state.signed_in:
            self.notify("Sign in first.", severity="warning")
            return
        if name == "dashboard":
            self.go_home()
            return
        refused = screen_refusal(self.account_state, name)
        if refused is not None:
            self.notify(refused, title="Not for your role", severity="warning", markup=False)
            return
        screen = self.SCREENS[name]()
        if type(screen) is not type(self.screen):  # the same screen on top: nothing to open
            self.push_screen(screen)

    def go_home(self, *, ask: bool = True) -> None:
        """Back to the dashboard, asking first if a screen above it would lose typed work."""
        from screens.dashboard import DashboardScreen

        above = []
        for screen in reversed(self.screen_stack):
            if isinstance(screen, DashboardScreen):
                break
            above.append(screen)
        reasons = [r for s in above if (r := getattr(s, "unsaved_changes", lambda: None)())]

        def leave(confirmed: bool | None) -> None:
            if confirmed:
                for screen in above:
                    getattr(screen, "discard_changes", lambda: None)()
                for _ in above:
                    self.pop_screen()

        if reasons and ask:
            from screens.confirm import ConfirmScreen

            self.push_screen(ConfirmScreen(reasons[0]), leave)
        else:
            leave(True)

    @work(exclusive=True, group="logout", exit_on_error=False)
    async def sign_out(self) -> None:
        await self.store.logout()


def create_app(
    store: AccountStore | StoreOpener,
    *,
    theme: str | None = None,
    mouse: bool = True,
    demo_hint: bool = True,
    today: date | None = None,
    email: str = "",
    ascii_only: bool = False,
    remember_session: bool = False,
    keymap: Mapping[str, str] | None = None,
) -> CreditsApp:
    """The one way to build the app: the CLI and the snapshot tests both call this."""
    app = CreditsApp(
        store,
        mouse=mouse,
        demo_hint=demo_hint,
        today=today,
        email=email,
        ascii_only=ascii_only,
        remember_session=remember_session,
        keymap=keymap,
    )
    if theme is not None:
        if theme in app.available_themes:
            app.theme = theme
        else:
            # A typo in the config must not stop the app: say so once it is on screen.
            app.startup_notices.append(f"Unknown theme {theme!r}; using the default.")
    return app


if TYPE_CHECKING:
    # Screens reach the app through AccountHost: mypy checks here that the app is one.
    _APP_IS_A_HOST: type[AccountHost] = CreditsApp
