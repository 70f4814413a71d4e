"""Command palette entries: one per screen of the app's SCREENS, then refresh, redraw, sign out."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider

from screens.base import credits_app

# Each screen's palette text and help line, by its name in SCREENS.
SCREEN_COMMANDS = {
    "dashboard": ("Dashboard", "Balance, auto-recharge summary and recent activity"),
    "add_credits": ("Add credits", "Top up the balance with a card"),
    "auto_recharge": ("Auto-recharge", "Turn auto-recharge on or off, set threshold and amount"),
    "transactions": ("Transactions", "Every top-up, recharge and usage charge"),
    "support": ("Support request", "Ask for a top-up larger than the card limit"),
    "ssh_keys": ("SSH keys", "Keys that sign you in over SSH (credits-tui serve-ssh)"),
    "notifications": ("Notifications", "Who is told what by email or webhook, dead letters"),
    "team": ("Team", "Invite people, change their roles, remove them (owners)"),
    "sessions": ("Sessions", "Where you are signed in; sign out any of them"),
    "activity": ("Activity", "Who changed what on the account, when and from where"),
    "help": ("Help", "Every key of every screen"),
}


class ScreenCommands(Provider):
    """Open any screen from ctrl+p; the app refuses politely before sign-in."""

    def _commands(self) -> list[tuple[str, str, Callable[[], Any]]]:
        host = credits_app(self.app)
        commands: list[tuple[str, str, Callable[[], Any]]] = [
            (*SCREEN_COMMANDS[name], partial(host.open_screen, name)) for name in self.app.SCREENS
        ]
        commands += [
            ("Refresh", "Read the account again from the server", host.action_refresh_account),
            ("Redraw", "Draw the whole screen again (ctrl+l)", host.action_redraw),
            ("Sign out", "End this session on this computer", host.sign_out),
        ]
        return commands

    async def discover(self) -> Hits:
        for title, help_text, callback in self._commands():
            yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_text)
