"""Server or user text made safe to draw: its own module, as the sign-in screen needs only this."""

from __future__ import annotations

# C0 and C1 control characters (ESC, CSI...) but not newline: a server must not drive the terminal.
_CONTROLS = {code: "\ufffd" for code in [*range(0x00, 0x20), *range(0x7F, 0xA0)] if code != 0x0A}


def clean(text: str) -> str:
    """Server or user text made safe to draw: control characters shown as "\ufffd"."""
    return text.translate(_CONTROLS)
