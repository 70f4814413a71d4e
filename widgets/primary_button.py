"""A primary button that brings only the styles it uses (the sign-in screen's first paint)."""

from __future__ import annotations

from textual.widgets import Button


class PrimaryButton(Button, inherit_css=False):
    """Textual's Button in its primary variant and default style, styled alike.

    Textual's Button brings 7 KB of CSS for every variant and style (flat, success, warning,
    error), the largest stylesheet of the sign-in screen: parsing it took 6 ms of the ~60 ms from
    `App.run` to the first frame. Not inheriting it, this keeps the rules that apply to a primary
    button (Button's, in their order, with their selectors, and Widget's background; not Widget's
    scroll bar and link colours: a button neither scrolls nor shows links), so it looks and
    behaves the same, in ANSI colours too. Use Button for any other variant.
    """

    DEFAULT_CSS = """
    PrimaryButton {
        background: transparent;
    }

    PrimaryButton:ansi.-style-default {
        border: tall $border-blurred;
        background: ansi_default;
        &:disabled {
            text-opacity: 1;
            text-style: bold dim;
            border: tall $border-blurred !important;
            background: ansi_default !important;
            pointer: not-allowed;
            &:hover {
                background: ansi_default;
            }
        }
        &:hover {
            background: $ansi-background;
            border: tall $border;
        }
        &.-active {
            background: $ansi-background !important;
            border: blank $background !important;
            tint: transparent;
        }
        &.-primary {
            color: $primary;
            border: tall $primary;
            background: ansi_default;
            &:hover {
                background: $ansi-background;
            }
        }
    }

    PrimaryButton {
        width: auto;
        min-width: 16;
        height: auto;
        line-pad: 1;
        text-align: center;
        content-align: center middle;
        pointer: pointer;
        &.-style-default {
            text-style: bold;
            color: $button-foreground;
            background: $surface;
            border: none;
            border-top: tall $surface-lighten-1;
            border-bottom: tall $surface-darken-1;
            &.-textual-compact {
                border: none !important;
            }
            &:disabled {
                text-opacity: 0.6;
                pointer: not-allowed;
            }
            &:focus {
                text-style: $button-focus-text-style;
                background-tint: $foreground 5%;
            }
            &:hover {
                border-top: tall $surface;
                background: $surface-darken-1;
            }
            &.-active {
                background: $surface;
                border-bottom: tall $surface-lighten-1;
                border-top: tall $surface-darken-1;
                tint: $background 30%;
            }
            &.-primary {
                color: $button-color-foreground;
                background: $primary;
                border-top: tall $primary-lighten-3;
                border-bottom: tall $primary-darken-3;
                &:hover {
                    background: $primary-darken-2;
                    border-top: tall $primary;
                }
                &.-active {
                    background: $primary;
                    border-bottom: tall $primary-lighten-3;
                    border-top: tall $primary-darken-3;
                }
            }
        }
    }
    """

    def __init__(self, label: str, *, id: str | None = None) -> None:
        super().__init__(label, id=id, variant="primary")
