"""A checkbox and a radio button that read without colour (NO_COLOR, monochrome terminals).

Textual's own draw the same glyph ticked or not and show focus by colour alone. These draw a
different glyph for each state and put a marker before the control that has the focus (for a
radio button: the highlighted one of a focused RadioSet), as the sliders' brackets do.
"""

from __future__ import annotations

from textual.content import Content
from textual.geometry import Size
from textual.widgets import Checkbox, RadioButton, RadioSet

from widgets.glyphs import use_ascii


def _marks(toggle: Checkbox | RadioButton) -> tuple[str, str, str]:
    """(focus marker, ticked radio, unticked radio)."""
    return (">", "*", " ") if use_ascii(toggle) else ("▸", "●", "○")


def _sides(toggle: Checkbox | RadioButton, ascii_sides: str) -> None:
    """Textual's half blocks, or brackets for a terminal that gets ASCII only."""
    if use_ascii(toggle):
        toggle.BUTTON_LEFT, toggle.BUTTON_RIGHT = ascii_sides[0], ascii_sides[1]


class TickBox(Checkbox):
    """A Checkbox drawn `X` when ticked and empty when not, with a focus marker."""

    def render(self) -> Content:
        self.BUTTON_INNER = "X" if self.value else " "
        _sides(self, "[]")
        marker = _marks(self)[0] if self.has_focus else " "
        return Content.assemble(marker, super().render())

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return 1 + super().get_content_width(container, viewport)

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()


class Choice(RadioButton):
    """A RadioButton drawn `●` when chosen and `○` when not, with a marker while highlighted in a
    focused RadioSet."""

    def _highlighted(self) -> bool:
        parent = self.parent
        return isinstance(parent, RadioSet) and parent.has_focus and self.has_class("-selected")

    def render(self) -> Content:
        marker, ticked, unticked = _marks(self)
        self.BUTTON_INNER = ticked if self.value else unticked
        _sides(self, "()")
        return Content.assemble(marker if self._highlighted() else " ", super().render())

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return 1 + super().get_content_width(container, viewport)

    def notify_style_update(self) -> None:
        # The set's focus and its highlight reach a button as a change of its styles.
        super().notify_style_update()
        self.refresh()
