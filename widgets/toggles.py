"""A checkbox (and, in widgets.choice, a radio button) that read without colour (NO_COLOR,
monochrome terminals).

Textual's own draw the same glyph ticked or not and show focus by colour alone. These draw a
different glyph for each state and put a marker before the control that has the focus (for a
radio button: the highlighted one of a focused RadioSet), as the sliders' brackets do. The radio
button has a module of its own: the sign-in screen's check box need not import radio buttons.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content
from textual.geometry import Size
from textual.widgets import Checkbox

from widgets.glyphs import use_ascii

if TYPE_CHECKING:
    from textual.widgets import RadioButton


def marks(toggle: Checkbox | RadioButton) -> tuple[str, str, str]:
    """(focus marker, ticked radio, unticked radio)."""
    return (">", "*", " ") if use_ascii(toggle) else ("▸", "●", "○")


def sides(toggle: Checkbox | RadioButton, ascii_sides: str) -> None:
    """Textual's half blocks, or brackets for a terminal that gets ASCII only."""
    if use_ascii(toggle):
        toggle.BUTTON_LEFT, toggle.BUTTON_RIGHT = ascii_sides[0], ascii_sides[1]


class TickBox(Checkbox):
    """A Checkbox drawn `X` when ticked and empty when not, with a focus marker."""

    def render(self) -> Content:
        self.BUTTON_INNER = "X" if self.value else " "
        sides(self, "[]")
        marker = marks(self)[0] if self.has_focus else " "
        return Content.assemble(marker, super().render())

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return 1 + super().get_content_width(container, viewport)

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()
