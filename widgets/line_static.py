"""Plain text that repaints only the lines (and columns) an update changes: for SSH links."""

from __future__ import annotations

from itertools import zip_longest

from rich.cells import cell_len
from textual.content import Content
from textual.geometry import Region
from textual.visual import VisualType
from textual.widgets import Static


def _changed_cells(before: str, after: str) -> int:
    """Cells from the line's start to the last one that differs (0 when none does)."""
    last = -1
    for index, (old, new) in enumerate(zip_longest(before, after, fillvalue=" ")):
        if old != new:
            last = index
    return cell_len(after[: last + 1]) if last >= 0 else 0


class LineStatic(Static):
    """A Static for text only (never markup) whose `update` repaints the changed cells only.

    Static.update relayouts and repaints the whole widget; Textual writes each repainted line
    from the widget's left edge, so a two-line sentence costs ~300 bytes per change. Here, when
    the text wraps to as many lines as before, only each changed line up to its last changed
    cell is marked dirty: a new amount in a sentence costs about one line's start.
    """

    def __init__(
        self,
        text: str = "",
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(text, markup=False, name=name, id=id, classes=classes)
        self._text = text

    @property
    def content(self) -> VisualType:
        """The text shown."""
        return self._text

    @content.setter
    def content(self, content: VisualType) -> None:
        self.update(content)

    def render(self) -> Content:
        return Content(self._text)

    def _lines(self, width: int) -> list[str]:
        return [line.plain for line in Content(self._text).wrap(width)]

    def update(self, content: VisualType = "", *, layout: bool = True) -> None:
        text = str(content)
        if text == self._text:
            return
        width = self.size.width
        before = self._lines(width) if width > 0 else []
        self._text = text
        after = self._lines(width) if width > 0 else []
        if not self.is_mounted or width <= 0 or len(before) != len(after):
            self.refresh(layout=True)
            return
        regions = [
            Region(0, y, cells, 1)
            for y, (old, new) in enumerate(zip(before, after, strict=True))
            if (cells := _changed_cells(old, new))
        ]
        if regions:
            self.refresh(*regions)
