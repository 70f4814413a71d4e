"""Command palette entries: one per screen, plus signing out."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider

# (palette text, help line, screen name) in the order people need them.
SCREEN_COMMANDS = (
    ("Dashboard", "Balance, auto-recharge summary and recent activity", "dashboard"),
    ("Add credits", "Top up the balance with a card", "add_credits"),
    ("Auto-recharge", "Turn auto-recharge on or off, set threshold and amount", "auto_recharge"),
    ("Transactions", "Every top-up, recharge and usage charge", "transactions"),
    ("Support request", "Ask for a top-up larger than the card limit", "support"),
    ("Help", "Every key of every screen", "help"),
)


class ScreenCommands(Provider):
    """Open any screen from ctrl+p; the app refuses politely before sign-in."""

    def _commands(self) -> list[tuple[str, str, Callable[[], Any]]]:
        app: Any = self.app
        commands: list[tuple[str, str, Callable[[], Any]]] = [
            (title, help_text, partial(app.open_screen, name))
            for title, help_text, name in SCREEN_COMMANDS
        ]
        commands.append(("Sign out", "End this session on this computer", app.sign_out))
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
