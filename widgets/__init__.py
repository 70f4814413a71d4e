"""Reusable Textual widgets of credits-tui, one per module."""

__all__: list[str] = []
