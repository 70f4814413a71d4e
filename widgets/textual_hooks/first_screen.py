"""The sign-in screen's start (hooks: `Screen._push_result_callback`, `Screen._on_screen_resume`).

Everything here is for a screen shown once composed, as the app's first screen is.
"""

from __future__ import annotations

from typing import Any, TypeVar

from textual import events
from textual.screen import Screen

S = TypeVar("S", bound=Screen[Any])


def replaceable(screen: S) -> S:
    """`screen`, ready to be the app's first screen (`App.get_default_screen`) and to be replaced
    by `switch_screen` later. Textual gives a screen it pushes or switches to a result callback,
    and `switch_screen` removes one from the screen it replaces; the first screen gets none, so
    replacing it would fail. It gets one that does nothing, as a switched-to screen does."""
    screen._push_result_callback(screen, None)
    return screen


class StyledOnceScreen(Screen[Any]):
    """A screen that is not styled twice before its first frame.

    Textual styles each widget as it is mounted, then again, all of them, when the screen
    resumes (`ScreenResume.refresh_styles`), so that a screen coming back shows what changed
    while it was below another. The first resume comes right after the screen was composed:
    nothing has changed, and focus changes restyle their widgets themselves. Restyling the
    sign-in screen's widgets again took ~6 ms of its first paint. Later resumes restyle as usual.
    Textual calls this handler before `Screen._on_screen_resume` (each class's, down the MRO).
    """

    _resumed = False

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        if not self._resumed:
            self._resumed = True
            event.refresh_styles = False
