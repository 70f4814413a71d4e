"""Send only the cells of a repaint the terminal does not already show: over SSH, every cell is
bytes.

Textual repaints more than changes. A full repaint comes once more right after a screen first
appears, and whenever a screen below the current one is laid out again (a resize, a modal
closing): 7-8 KB at 80x24 even when no cell differs. A widget that changes repaints whole: a
table that gains a row sends its header, borders and empty rows again. And the same cells come
cut differently: a full repaint writes whole rows, a partial one each widget's part of a row. The
terminal keeps what it was sent, so a cell that is what was last written at the same place need
not be sent again.

Textual writes every update as pieces: a move to a row and column, then cells (each run of
cells carries its own colours and ends reset), pieces of different rows joined by newlines, then
a move to where the cursor belongs. This module keeps a shadow of the terminal: per row and
column, the character last sent there and the colours (the SGR sequences since the last reset)
it was drawn in. Of each piece it sends only the stretches of cells that differ from the shadow,
each after a move of its own, neighbouring cells of the same colours as one run. Anything it does
not understand passes through and makes it forget the rows it may have touched, or all of them (a
clear, the alternate screen, a reset, a resize).

The hook: the app's driver is a subclass of Textual's `LinuxDriver` (given to the app as
`App(driver_class=...)`) whose `write` filters what Textual sends, relying on that undocumented
shape of its updates.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from itertools import repeat
from typing import TYPE_CHECKING

from rich.cells import cell_len, get_character_cell_size

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
# Equal cells between two changed stretches of a piece shorter than this are sent with them:
# a move to the next stretch costs about as many bytes.
_GAP = 8

# A cell as the terminal shows it: the colours it was drawn in (SGR sequences since the last
# reset, "" for none) and its character (with any zero-width ones after it); "" for the right
# half of a double-width character, which the cell before it draws.
Cell = tuple[str, str]
# Runs of text in one set of colours, as written.
Run = tuple[str, str]


def _draws(text: str) -> bool:
    """Whether `text` puts characters on the screen (not only escapes and controls)."""
    return bool(_CONTROL.sub("", _ESCAPE.sub("", text)))


def _read_cells(cells: str) -> tuple[list[Cell], list[Run], str] | None:
    """The cells `cells` draw, from colours reset, their runs, and the colours left set after
    them; None where this module would not know which columns they cover."""
    out: list[Cell] = []
    runs: list[Run] = []
    colours = ""
    position = 0
    for sgr in _SGR.finditer(cells):
        if sgr.start() > position:
            text = cells[position : sgr.start()]
            characters = _characters(text)
            if characters is None:
                return None
            out.extend(zip(repeat(colours), characters, strict=False))
            runs.append((colours, text))
        code = sgr.group()
        colours = "" if code in _RESET else colours + code
        position = sgr.end()
    if position < len(cells):
        text = cells[position:]
        characters = _characters(text)
        if characters is None:
            return None
        out.extend(zip(repeat(colours), characters, strict=False))
        runs.append((colours, text))
    return out, runs, colours


@lru_cache(maxsize=2048)
def _characters(text: str) -> tuple[str, ...] | None:
    """What `text` draws in each cell ("" for a right half); None if the terminal may place it
    otherwise than this module counts. Textual writes the same runs again and again (borders,
    blank space): cached."""
    if text.isascii():
        return tuple(text)
    out: list[str] = []
    for char in text:
        width = get_character_cell_size(char)
        if width == 0:
            if not out or not out[-1]:
                return None
            out[-1] += char
            continue
        out.append(char)
        if width == 2:
            out.append("")
    return tuple(out) if len(out) == cell_len(text) else None


def _changed(shown: list[Cell | None], new: list[Cell]) -> list[tuple[int, int]]:
    """The stretches [start, end) of `new` that differ from `shown`, close ones joined."""
    if not any(shown):
        return [(0, len(new))]  # nothing known there (a first frame): all of it
    stretches: list[tuple[int, int]] = []
    for index, cell in enumerate(new):
        if shown[index] != cell:
            if stretches and index - stretches[-1][1] < _GAP:
                stretches[-1] = (stretches[-1][0], index + 1)
            else:
                stretches.append((index, index + 1))
    # Whole characters: never start or end on the right half of a double-width one.
    return [
        (
            start - 1 if not new[start][1] else start,
            end + 1 if end < len(new) and not new[end][1] else end,
        )
        for start, end in stretches
    ]


def _encoded(runs: Iterable[Run]) -> str:
    """`runs` (or cells) as SGR runs, each set of colours set once, reset at the end."""
    out: list[str] = []
    current = ""
    for colours, text in runs:
        if colours != current:
            if current:
                out.append("\x1b[0m")
            out.append(colours)
            current = colours
        out.append(text)
    if current:
        out.append("\x1b[0m")
    return "".join(out)


class ShownRows:
    """What the terminal shows, cell by cell, as far as this module has seen it drawn."""

    def __init__(self) -> None:
        self._rows: dict[int, list[Cell | None]] = {}
        self._size: tuple[int, int] | None = None
        # The colours were left set by the last piece sent: the next one is not read, as the
        # terminal would draw it in those colours.
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
        """`data` minus the cells the terminal already shows."""
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
        read = None if self._colours_set else _read_cells(cells)
        if read is None:
            self._rows.pop(row, None)
            self._colours_set = _leaves_colours_set(cells)
            return move + cells + tail
        new, runs, left_set = read
        shown = self._rows.setdefault(row, [])
        start, stop = column - 1, column - 1 + len(new)
        if len(shown) <= stop:
            shown.extend([None] * (stop + 1 - len(shown)))
        before = shown[start:stop]
        if left_set:
            # Colours left set for what follows: sent as written, the next piece not read.
            sent = [move + cells]
            self._colours_set = True
        elif before == new:
            sent = []
        else:
            stretches = _changed(before, new)
            if stretches == [(0, len(new))]:
                sent = [move + _encoded(runs)]
            else:
                sent = [
                    f"\x1b[{row};{column + first}H" + _encoded(new[first:after])
                    for first, after in stretches
                ]
        # A double-width character cut by this piece is gone from the terminal.
        first_shown, after_shown = before[0] if before else None, shown[stop]
        if first_shown is not None and not first_shown[1] and start:
            shown[start - 1] = None
        if after_shown is not None and not after_shown[1]:
            shown[stop] = None
        shown[start:stop] = new
        if not sent and last:
            sent = [move]  # the cursor belongs here
        return "".join(sent) + tail


def _leaves_colours_set(cells: str) -> bool:
    sgr = list(_SGR.finditer(cells))
    return bool(sgr) and not (sgr[-1].group() in _RESET and sgr[-1].end() == len(cells))


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
