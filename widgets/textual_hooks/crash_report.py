"""An App whose crash report shows no local variables (hook: `App._fatal_error`)."""

from __future__ import annotations

from typing import TypeVar

from textual.app import App

ReturnType = TypeVar("ReturnType")


class CrashReportApp(App[ReturnType]):
    """Textual prints a crash's traceback with every frame's local variables, which could put a
    typed password or card number on the screen (and into an SSH session's scrollback). Textual
    has no public switch for it, so its `_fatal_error` is overridden: the same report, without
    locals, through the public `panic`."""

    def _fatal_error(self) -> None:
        import rich
        from rich.traceback import Traceback

        self.bell()
        self.panic(Traceback(show_locals=False, width=None, suppress=[rich]))
