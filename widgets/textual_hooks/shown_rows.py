"""Send only the pieces of a repaint the terminal does not already show: over SSH, every cell is
bytes.

Textual repaints more than changes. A full repaint comes once more right after a screen first
appears, and whenever a screen below the current one is laid out again (a resize, a modal
closing): 7-8 KB at 80x24 even when no cell differs. A widget that changes repaints whole: a
table that gains a row sends its header, borders and empty rows again. The terminal keeps what it
was sent, so a piece that is byte for byte what was last written at the same place, and that
nothing has drawn over since, need not be sent again.

Textual writes every update as pieces: a move to a row and column, then cells (each run of
cells carries its own colours and ends reset), pieces of different rows joined by newlines, then
a move to where the cursor belongs. A full repaint is one piece per row, from column 1. This
module remembers, per row, the pieces written and the columns each covers; a piece drawn over
by another is forgotten. Neighbouring runs of the same colours are sent as one run. Anything it
does not understand passes through and makes it forget the rows it may have touched, or all of
them (a clear, the alternate screen, a reset, a resize).

The hook: the app's driver is a subclass of Textual's `LinuxDriver` (given to the app as
`App(driver_class=...)`) whose `write` filters what Textual sends, relying on that undocumented
shape of its updates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.cells import cell_len

if TYPE_CHECKING:
    from textual.driver import Driver

_MOVE = re.compile(r"\x1b\[(\d+);(\d+)H")
# Colours and attributes (SGR): they change how cells look, not where the cursor is.
_SGR = re.compile(r"\x1b\[[0-9;:]*m")
_RESET = ("\x1b[0m", "\x1b[m")
# Any escape sequence: CSI, OSC (ended by BEL or ST), or ESC and one character.
_ESCAPE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b.", re.DOTALL)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# Where the drawn cells of a piece end: the first escape that is not SGR, or a control character.
_NOT_CELLS = re.compile(r"\x1b(?!\[[0-9;:]*m)|[\x00-\x1a\x1c-\x1f\x7f]")
# What may follow the cells of a piece without drawing: private modes (cursor shown or hidden,
# synchronised output) and newlines between rows.
_HARMLESS_TAIL = re.compile(r"(?:\x1b\[\?[0-9;]*[hl]|\n)*")
# After these the terminal shows something else than it was sent (a fresh alternate screen, a
# clear, a reset), so every piece must be sent again.
_FORGET_ALL = ("\x1b[?1049", "\x1b[2J", "\x1b[J", "\x1bc")


def _draws(text: str) -> bool:
    """Whether `text` puts characters on the screen (not only escapes and controls)."""
    return bool(_CONTROL.sub("", _ESCAPE.sub("", text)))


@dataclass(frozen=True)
class _Piece:
    column: int  # 1-based, as in the move
    width: int  # cells
    data: str  # the cells as written, colours included


class ShownRows:
    """What the terminal shows, as the pieces last written to each row."""

    def __init__(self) -> None:
        self._rows: dict[int, list[_Piece]] = {}
        self._size: tuple[int, int] | None = None
        # The colours were left set by the last piece sent: the next one cannot be left out, as
        # the terminal would draw what follows it in those colours.
        self._colours_set = False

    def forget(self) -> None:
        """Send everything written next (ctrl+l, or the terminal lost its content)."""
        self._rows.clear()

    def resized(self, width: int, height: int) -> None:
        """The terminal has this size now (the app's Resize event): if it changed, forget
        everything, as the terminal may have moved or dropped what it showed."""
        if (width, height) != self._size:
            self._size = (width, height)
            self.forget()

    def filter(self, data: str) -> str:
        """`data` minus the pieces the terminal already shows."""
        if any(marker in data for marker in _FORGET_ALL):
            self.forget()
            return data
        parts = _MOVE.split(data)
        head, pieces = parts[0], parts[1:]
        if _draws(head):
            self.forget()  # cells drawn wherever the cursor was: which row is not known here
        out = [head]
        for index in range(0, len(pieces), 3):
            row, column, text = int(pieces[index]), int(pieces[index + 1]), pieces[index + 2]
            last = index + 3 >= len(pieces)
            out.append(self._piece(row, column, text, last))
        return "".join(out)

    def _piece(self, row: int, column: int, text: str, last: bool) -> str:
        """What to send for `text` written at `row`, `column`."""
        move = f"\x1b[{row};{column}H"
        end = _NOT_CELLS.search(text)
        cells, tail = (text, "") if end is None else (text[: end.start()], text[end.start() :])
        if not _HARMLESS_TAIL.fullmatch(tail):
            # Something this module does not read: forget what it may have drawn over.
            if _draws(tail):
                self.forget()
            else:
                self._rows.pop(row, None)
            self._colours_set = True  # not known: send the next piece whatever it is
            return move + text
        if not last:
            tail = tail.replace("\n", "")  # a move follows: a newline before it moves nothing
        if not cells:
            return move + tail if last else tail  # a bare move matters only at the end
        piece = _Piece(column, cell_len(_SGR.sub("", cells)), cells)
        shown = self._rows.setdefault(row, [])
        if piece in shown and not self._colours_set:
            return move + tail if last else tail
        ends = column + piece.width
        shown[:] = [p for p in shown if p.column + p.width <= column or p.column >= ends]
        sent = _joined_runs(cells, known=not self._colours_set)
        sgr = list(_SGR.finditer(cells))
        self._colours_set = bool(sgr) and not (
            sgr[-1].group() in _RESET and sgr[-1].end() == len(cells)
        )
        if not self._colours_set:
            shown.append(piece)  # only a piece that ends reset may be left out next time
        return move + sent + tail


def _joined_runs(cells: str, *, known: bool) -> str:
    """`cells` without the reset-and-set-again between runs of the same colours: Textual writes
    each run (a table cell, a bar of a chart) as its colours, its text and a reset, so ten cells
    of one colour repeat the same ~40 bytes ten times. `known`: the colours are reset where
    `cells` begin."""
    out: list[str] = []
    position = 0
    current: str | None = None  # the colours set since the last reset, if set in one go
    compound = not known  # colours set in more than one go (or not known): never joined
    matches = list(_SGR.finditer(cells))
    index = 0
    while index < len(matches):
        sgr = matches[index]
        following = matches[index + 1] if index + 1 < len(matches) else None
        if (
            sgr.group() in _RESET
            and following is not None
            and following.start() == sgr.end()
            and not compound
            and following.group() == current
        ):
            out.append(cells[position : sgr.start()])  # leave both out: the colours stay set
            position = following.end()
            index += 2
            continue
        if sgr.group() in _RESET:
            current, compound = None, False
        elif current is None and not compound:
            current = sgr.group()
        else:
            compound = True
        index += 1
    out.append(cells[position:])
    return "".join(out)


def sparing_driver(driver_class: type[Driver], shown: ShownRows) -> type[Driver]:
    """`driver_class` writing through `shown` (pieces already on screen are left out) if it is
    Textual's terminal driver; any other (the headless driver of tests) as it is."""
    from textual.drivers.linux_driver import LinuxDriver

    if not issubclass(driver_class, LinuxDriver):
        return driver_class

    class SparingDriver(driver_class):  # type: ignore[valid-type, misc]
        def write(self, data: str) -> None:
            super().write(shown.filter(data))

    SparingDriver.__name__ = f"Sparing{driver_class.__name__}"
    return SparingDriver
