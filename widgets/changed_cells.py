"""Which cells of a widget a new picture changes, so only those are repainted (for SSH links).

Textual repaints a widget whole when it refreshes, and every repainted cell is bytes on the
link; `refresh(*regions)` repaints the regions given only. A widget that can draw its new
picture before showing it compares the two here and refreshes what differs.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console, RenderableType
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region

Cells = list[list[tuple[str, Style | None]]]


def cells_of(console: Console, renderable: RenderableType, width: int, height: int) -> Cells:
    """`renderable` drawn at `width` x `height`, as rows of (character, style)."""
    options = console.options.update_dimensions(width, height)
    lines = console.render_lines(renderable, options, pad=True)
    return [_row(line) for line in lines]


def _row(line: Sequence[Segment]) -> list[tuple[str, Style | None]]:
    return [(character, segment.style) for segment in line for character in segment.text]


def changed_regions(before: Cells, after: Cells) -> list[Region] | None:
    """Per row, the span from the first to the last cell that differs; None when the pictures
    are not the same size (the whole widget must be repainted)."""
    if len(before) != len(after) or any(
        len(old) != len(new) for old, new in zip(before, after, strict=True)
    ):
        return None
    regions = []
    for y, (old, new) in enumerate(zip(before, after, strict=True)):
        differs = [x for x, (a, b) in enumerate(zip(old, new, strict=True)) if a != b]
        if differs:
            regions.append(Region(differs[0], y, differs[-1] - differs[0] + 1, 1))
    return regions
