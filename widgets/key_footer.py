"""The footer of every screen: its keys, redrawn only when they change (see textual_hooks)."""

from __future__ import annotations

from widgets.textual_hooks.quiet_footer import QuietFooter


class KeyFooter(QuietFooter):
    """Textual's Footer, redrawn only when the keys it shows change."""

    # A compact Footer puts a group's label (the slider's "Jump") flush against the next key.
    DEFAULT_CSS = """
    KeyFooter.-compact FooterLabel {
        margin-right: 1;
    }
    """
