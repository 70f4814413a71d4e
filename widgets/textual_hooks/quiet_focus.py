"""A Screen that does not repaint itself whole on each focus change (hook: `Screen.focused`)."""

from __future__ import annotations

from typing import TypeVar

from textual.reactive import Reactive
from textual.screen import Screen
from textual.widget import Widget

ScreenResultType = TypeVar("ScreenResultType")


class QuietFocusScreen(Screen[ScreenResultType]):
    """Textual's `Screen.focused` is a reactive with repaint=True: each tab repaints the whole
    screen, every cell of it bytes on an SSH link. Focus styles are per widget (Textual updates
    them on focus and blur), so the reactive is declared again without the repaint."""

    focused: Reactive[Widget | None] = Reactive(None, repaint=False)
