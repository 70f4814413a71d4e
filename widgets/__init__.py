"""Reusable Textual widgets of credits-tui, one per module."""

from widgets.slider import Slider

__all__: list[str] = ["Slider"]
