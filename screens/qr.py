"""A QR code drawn with half blocks, two modules a line, black on white whatever the theme."""

from __future__ import annotations

import segno
from textual.content import Content

DARK = "#000000"
LIGHT = "#ffffff"


def qr_text(url: str) -> Content:
    """The code for `url` (error correction L keeps it small enough for 80x24)."""
    if not url:
        return Content("")
    rows = [list(row) for row in segno.make(url, error="l", micro=False).matrix_iter(border=2)]
    if len(rows) % 2:
        rows.append([0] * len(rows[0]))
    lines: list[Content] = []
    for top, bottom in zip(rows[0::2], rows[1::2], strict=True):
        parts = [
            ("▀", f"{DARK if upper else LIGHT} on {DARK if lower else LIGHT}")
            for upper, lower in zip(top, bottom, strict=True)
        ]
        lines.append(Content.assemble(*parts))
    return Content("\n").join(lines)
