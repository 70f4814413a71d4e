"""A Footer that recomposes only when the keys it shows change (hook: `Footer.bindings_changed`)."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

KeySignature = tuple[tuple[object, ...], ...]


def keys_on_show(screen: Screen[Any]) -> KeySignature:
    """What the footer draws from: each binding it shows (and the command palette's key), its
    text and whether it is enabled. Hidden bindings, such as a focused input's, are left out."""
    palette_key = screen.app.COMMAND_PALETTE_BINDING
    signature = []
    for key, (_node, binding, enabled, tooltip) in screen.active_bindings.items():
        if binding.show or key == palette_key:
            text = (binding.action, binding.description, binding.key_display, binding.group)
            signature.append((key, *text, binding.show, enabled, tooltip))
    return tuple(signature)


class QuietFooter(Footer):
    """Textual's Footer, minus the redraw when nothing it shows changed.

    The stock Footer recomposes on every bindings update, which Textual sends on each focus
    change and each `refresh_bindings`: a whole footer line (about 900 bytes at 80 columns) even
    when tab moves between two inputs with the same keys. `bindings_changed` is the Footer's
    handler of the screen's `bindings_updated_signal`, undocumented: it is wrapped here.
    """

    _keys_scheduled: KeySignature | None = None

    def __init__(self, *, compact: bool = False) -> None:
        super().__init__(compact=compact)
        # The stock Footer composes empty and waits for the screen's first bindings update to
        # recompose with the keys: one more compose, layout and frame at every screen's start.
        # The screen's bindings are known when the footer composes, so the keys come at once.
        self.set_reactive(Footer._bindings_ready, True)

    def compose(self) -> ComposeResult:
        self._keys_scheduled = keys_on_show(self.screen)
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                # A FooterKey sets its "-compact" class when mounted (its `compact` watcher),
                # which restyles it; given the class it will have, that is a no-op.
                widget.set_class(self.compact, "-compact", update=False)
            yield widget

    def bindings_changed(self, screen: Screen[Any]) -> None:
        if not (screen.app.app_focus and self.is_attached and screen is self.screen):
            super().bindings_changed(screen)  # not drawn now: Footer just takes note
            return
        keys = keys_on_show(screen)
        # Footer recomposes after the next refresh and reads the bindings then, so one recompose
        # per distinct set of keys is enough. At start-up a screen announces its bindings several
        # times, mostly the keys the footer was composed with.
        if keys == self._keys_scheduled:
            return
        self._keys_scheduled = keys
        super().bindings_changed(screen)
