"""The 30-day trend: Textual's Sparkline, repainting only the bars new data changes."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import ConsoleRenderable
from textual.widgets import Sparkline

from widgets.changed_cells import Cells, cells_of, changed_regions


class TrendLine(Sparkline):
    """A Sparkline whose `show` repaints the cells that change, not the whole chart.

    A new balance moves today's bar only, or none when the chart's scale keeps it where it was;
    setting `data` would repaint both rows of the chart, ~450 bytes over SSH, even when no bar
    moved. (Textual sends a repainted row from the widget's left edge to the last changed cell.)
    """

    def show(self, data: Sequence[float]) -> None:
        """Draw `data`, oldest first."""
        values = list(data)
        if values == list(self.data or []):
            return
        width, height = self.size
        if not self.is_mounted or width <= 0 or height <= 0:
            self.data = values
            return
        before = self._cells()
        self.set_reactive(Sparkline.data, values)
        after = self._cells()
        regions = None if before is None or after is None else changed_regions(before, after)
        if regions is None:
            self.refresh()
        elif regions:
            self.refresh(*regions)

    def _cells(self) -> Cells | None:
        picture = self.render()
        if not isinstance(picture, ConsoleRenderable):
            return None
        return cells_of(self.app.console, picture, self.size.width, self.size.height)
