"""Skip the rows of a full repaint that the terminal already shows: over SSH, every row is bytes.

Textual repaints the whole screen more often than the screen changes: once more right after a
screen first appears, and whenever a screen below the current one is laid out again (a resize, a
modal closing). Each such repaint is 7-8 KB at 80x24 even when no cell differs. The terminal keeps
what it was sent, so a row that is byte for byte what the last full repaint sent, and that no
partial update has drawn over since, need not be sent again.

Textual writes a full repaint as one string: for each row, a move to its first column and the
row's cells (each row carries its own colours and ends reset), rows joined by newlines, then a
move to where the cursor belongs. Anything else (partial updates, modes) passes through, and
forgets the rows it draws on.

The hook: the app's driver is a subclass of Textual's `LinuxDriver` (given to the app as
`App(driver_class=...)`) whose `write` filters what Textual sends, relying on that undocumented
shape of a full repaint.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.driver import Driver

_ROW_START = re.compile(r"\x1b\[(\d+);1H")
_MOVE = re.compile(r"\x1b\[(\d+);\d+H")
_CURSOR_TAIL = re.compile(r"\x1b\[\d+;\d+H\Z")
# After these the terminal shows something else than it was sent (a fresh alternate screen, a
# clear, a reset), so every row must be sent again.
_FORGET_ALL = ("\x1b[?1049", "\x1b[2J", "\x1b[J", "\x1bc")


class ShownRows:
    """What each row of the terminal shows, as the full repaint that last drew it."""

    def __init__(self) -> None:
        self._rows: dict[int, str] = {}
        self._height = 0

    def forget(self) -> None:
        """Send every row of the next full repaint (ctrl+l, or the terminal lost its content)."""
        self._rows.clear()

    def filter(self, data: str) -> str:
        """`data` minus the rows the terminal already shows."""
        rows = self._full_repaint_rows(data)
        if rows is None:
            if any(marker in data for marker in _FORGET_ALL):
                self.forget()
            else:
                for match in _MOVE.finditer(data):
                    self._rows.pop(int(match.group(1)), None)
            return data
        body, cursor = rows
        if len(body) != self._height:
            self.forget()  # resized: the terminal may have moved or dropped what it showed
            self._height = len(body)
        changed = []
        for number, row in body:
            if self._rows.get(number) != row:
                self._rows[number] = row
                changed.append(row)
        return "".join(changed) + cursor

    @staticmethod
    def _full_repaint_rows(data: str) -> tuple[list[tuple[int, str]], str] | None:
        """The rows of a full repaint (number, the row's bytes with its move) and the cursor move
        after them; None if `data` is not a full repaint."""
        if not data.startswith("\x1b[1;1H"):
            return None
        tail = _CURSOR_TAIL.search(data)
        if tail is None:
            return None
        lines = data[: tail.start()].split("\n")
        rows = []
        for expected, line in enumerate(lines, start=1):
            start = _ROW_START.match(line)
            if start is None or int(start.group(1)) != expected:
                return None
            rows.append((expected, line))
        return rows, tail.group()


def sparing_driver(driver_class: type[Driver], shown: ShownRows) -> type[Driver]:
    """`driver_class` writing through `shown` (full repaints lose the rows already on screen) if
    it is Textual's terminal driver; any other (the headless driver of tests) as it is."""
    from textual.drivers.linux_driver import LinuxDriver

    if not issubclass(driver_class, LinuxDriver):
        return driver_class

    class SparingDriver(driver_class):  # type: ignore[valid-type, misc]
        def write(self, data: str) -> None:
            super().write(shown.filter(data))

    SparingDriver.__name__ = f"Sparing{driver_class.__name__}"
    return SparingDriver
