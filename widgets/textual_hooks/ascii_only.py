"""Draw every cell in ASCII: borders, scroll bars, check boxes and any glyph a widget leaves in.

Widgets choose ASCII glyphs of their own (widgets.glyphs), but Textual's borders ("round",
"tall"), check boxes, scroll bars and toasts are drawn from Unicode box and block characters. This
line filter replaces each non-ASCII character of the rendered lines with ASCII of the same width:
box lines by `-`, `|` and `+` (what Textual's "ascii" border draws), blocks by `#` or a space,
letters with accents by the bare letter, anything else by `?` per cell, so layout never moves.

The hook: `App.get_line_filters` is public, but Textual documents its `LineFilter`s as internal.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from rich.cells import cell_len
from rich.segment import Segment
from textual.color import Color
from textual.filter import LineFilter

# Shapes a name cannot tell apart: blocks (Textual's "tall", "outer", "wide" borders and scroll
# bars), arrows, and marks widgets or Textual use.
_BY_CHARACTER = {
    "▔": "-", "▁": "_", "▀": "-", "▄": "_",  # upper and lower eighths and halves: border edges
    "▏": "|", "▎": "|", "▍": "|", "▌": "|", "▋": "|", "▊": "|", "▉": "|",  # left blocks
    "▐": "|", "▕": "|",  # right blocks
    "█": "#", "░": ":", "▒": "#", "▓": "#",
    "←": "<", "→": ">", "↑": "^", "↓": "v", "▲": "^", "▼": "v", "▶": ">", "◀": "<",
    "▸": ">", "◂": "<", "▴": "^", "▾": "v", "•": "*", "·": ".", "●": "o", "○": "o",
    "…": ".", "—": "-", "\u2013": "-", "\u2018": "'", "\u2019": "'", "“": '"', "”": '"',
    "\u00d7": "x",
    "✓": "v", "✔": "v", "✗": "x", "✘": "x", "⚠": "!", "⭘": "o", "€": "E", "£": "L",
}  # fmt: skip


class AsciiOnly(LineFilter):
    """Replace every non-ASCII character of a line by ASCII of the same number of cells."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        return [
            segment if segment.text.isascii() else Segment(to_ascii(segment.text), *segment[1:])
            for segment in segments
        ]


@lru_cache(maxsize=4096)
def to_ascii(text: str) -> str:
    """`text` in ASCII, each character taking as many cells as before."""
    return "".join(char if char.isascii() else _one(char) for char in text)


@lru_cache(maxsize=1024)
def _one(char: str) -> str:
    width = cell_len(char)
    if width == 0:
        return ""  # combining marks and zero-width joiners
    if char in _BY_CHARACTER:
        return _BY_CHARACTER[char].ljust(width, " ")
    name = unicodedata.name(char, "")
    if name.startswith("BOX DRAWINGS"):
        words = set(name.split())
        joins = bool(words & {"AND", "DOWN", "UP", "LEFT", "RIGHT", "ARC"})
        if words & {"HORIZONTAL"} and not words & {"VERTICAL"} and not joins:
            return "-"
        if words & {"VERTICAL"} and not words & {"HORIZONTAL"} and not joins:
            return "|"
        return "+"  # corners, joins and crossings
    if name.startswith(("LOWER ", "UPPER ")) and "BLOCK" in name:
        return " "  # the partial blocks of scroll bars: the bar's colour still shows
    bare = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
    if bare and cell_len(bare) == width:
        return bare
    return "?" * width
