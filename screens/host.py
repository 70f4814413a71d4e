"""What screens need of the app that shows them. The app shell satisfies this Protocol; screens
never import the shell, which sits above them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from datetime import date

    from credits_client.state import AccountState
    from credits_client.store import AccountStore


class AccountHost(Protocol):
    """The app as screens see it: the one state and store, and the moves between screens."""

    @property
    def account_state(self) -> AccountState:
        """The latest state of the store; screens watch it and render it."""
        ...

    @property
    def store(self) -> AccountStore:
        """The one store, open once the state says online."""
        ...

    @property
    def email(self) -> str:
        """Prefilled on the sign-in screen (the `email` setting)."""
        ...

    @property
    def remember_session(self) -> bool:
        """Tick "Remember me" at first (the `remember_session` setting)."""
        ...

    @property
    def demo_hint(self) -> bool:
        """Offer the demo login (the embedded server's)."""
        ...

    @property
    def today(self) -> date:
        """The date screens count from (card expiry, the trend's days)."""
        ...

    def signed_in(self) -> None:
        """Leave the sign-in screen at the bottom of the stack for the dashboard."""

    def open_screen(self, name: str) -> None:
        """Open a screen by its name in the app's SCREENS, once signed in."""

    def go_home(self, *, ask: bool = True) -> None:
        """Back to the dashboard, asking first if a screen above it would lose typed work."""

    def action_refresh_account(self) -> None:
        """Read the account again from the server (in the background), once signed in."""

    def action_redraw(self) -> None:
        """Send the whole screen to the terminal again."""

    def sign_out(self) -> object:
        """Sign out (in the background) and go back to the sign-in screen."""
