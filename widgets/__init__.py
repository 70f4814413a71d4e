"""Reusable Textual widgets of credits-tui, one per module.

Import each from its own module (`from widgets.slider import Slider`): re-exporting them here
would make the login screen, which needs only the footer, import every widget at start-up.
"""
