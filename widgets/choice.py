"""A radio button that reads without colour (see widgets.toggles)."""

from __future__ import annotations

from textual.content import Content
from textual.geometry import Size
from textual.widgets import RadioButton, RadioSet

from widgets.toggles import marks, sides


class Choice(RadioButton):
    """A RadioButton drawn `●` when chosen and `○` when not, with a marker while highlighted in a
    focused RadioSet."""

    def _highlighted(self) -> bool:
        parent = self.parent
        return isinstance(parent, RadioSet) and parent.has_focus and self.has_class("-selected")

    def render(self) -> Content:
        marker, ticked, unticked = marks(self)
        self.BUTTON_INNER = ticked if self.value else unticked
        sides(self, "()")
        return Content.assemble(marker if self._highlighted() else " ", super().render())

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return 1 + super().get_content_width(container, viewport)

    def notify_style_update(self) -> None:
        # The set's focus and its highlight reach a button as a change of its styles.
        super().notify_style_update()
        self.refresh()
