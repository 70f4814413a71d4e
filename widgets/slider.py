"""A one-line slider over whole numbers, on the pattern of Textual's Switch."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from widgets.glyphs import use_ascii

# (filled track, thumb, disabled thumb, empty track, focus brackets)
_UNICODE = ("━", "●", "○", "─", "[]")
_ASCII = ("=", "O", "o", "-", "[]")


_STEP = Binding.Group("Step", compact=True)
_BIG = Binding.Group("Jump")
_ENDS = _BIG


class SliderValue(Widget):
    """The slider's value as text, docked at its right end.

    A widget of its own so that a new value rewrites only these few cells: Textual writes a
    changed line from the start of the widget that holds the change, so a label drawn by the
    slider itself would resend the whole track with it.
    """

    DEFAULT_CSS = """
    SliderValue {
        dock: right;
        width: auto;
        height: 1;
    }
    """
    ALLOW_SELECT = False

    def __init__(self, slider: Slider) -> None:
        super().__init__()
        self._slider = slider

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return self._slider.label_width()

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return 1

    def render_line(self, y: int) -> Strip:
        slider, width = self._slider, self.size.width
        label = slider.format_value(slider.value).rjust(width)
        style = slider.get_component_rich_style("slider--label")
        return Strip([Segment(label, style)]).adjust_cell_length(width, slider.rich_style)


class Slider(Widget, can_focus=True):
    """Pick a whole number between `min` and `max` in steps of `step`.

    Draws one line: the track with a thumb you can see by its shape (so it reads without colour),
    then the value as text, formatted by `formatter`. Keys, a click or a drag move it; each change
    posts `Slider.Changed`. Changing the value repaints this line only (no relayout).
    """

    # Shown in the Footer while the slider has focus (every action reachable by a key on show),
    # grouped so all six fit in a compact footer at 80 columns: "←→ Step pgdn pgup Big home end".
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "decrease", "Less", group=_STEP, id="slider.decrease"),
        Binding("right", "increase", "More", group=_STEP, id="slider.increase"),
        Binding(
            "pagedown,shift+left", "decrease_big", "Much less", group=_BIG, id="slider.decrease_big"
        ),
        Binding(
            "pageup,shift+right", "increase_big", "Much more", group=_BIG, id="slider.increase_big"
        ),
        Binding("home", "to_min", "Minimum", group=_ENDS, id="slider.minimum"),
        Binding("end", "to_max", "Maximum", group=_ENDS, id="slider.maximum"),
    ]
    """
    | Key(s) | Description |
    | :- | :- |
    | left / right | One step down / up. |
    | shift+left, pagedown / shift+right, pageup | A big step (10 steps) down / up. |
    | home / end | The minimum / the maximum. |
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "slider--track",
        "slider--fill",
        "slider--thumb",
        "slider--label",
    }
    """
    | Class | Description |
    | :- | :- |
    | `slider--track` | The part of the track above the value. |
    | `slider--fill` | The part of the track below the value. |
    | `slider--thumb` | The thumb at the value. |
    | `slider--label` | The value drawn as text. |
    """

    ALLOW_SELECT = False

    DEFAULT_CSS = """
    Slider {
        height: 1;
        width: 1fr;
        min-width: 16;
        pointer: pointer;
        & > .slider--track { color: $foreground 40%; }
        & > .slider--fill { color: $primary; }
        & > .slider--thumb { color: $foreground; text-style: bold; }
        & > .slider--label { color: $foreground; text-style: bold; }
        &:focus {
            background-tint: $foreground 5%;
            & > .slider--fill { color: $accent; }
            & > .slider--thumb { color: $accent; }
        }
        &:disabled {
            & > .slider--fill { color: $foreground 30%; }
            & > .slider--thumb { color: $foreground 30%; }
            & > .slider--label { color: $foreground 50%; text-style: none; }
        }
        &:ansi {
            & > .slider--track { color: ansi_default; }
            & > .slider--fill { color: ansi_blue; }
            &:focus > .slider--fill { color: ansi_bright_blue; }
        }
    }
    """

    # Only this widget repaints on a change: none of these asks for a relayout. A new value
    # repaints only the cells it changes (watch_value): over SSH a step is a few dozen bytes.
    value: reactive[int] = reactive(0, init=False, layout=False, repaint=False)
    """The current value: always on a step and within [min, max]."""
    min: reactive[int] = reactive(0, init=False, layout=False)
    max: reactive[int] = reactive(100, init=False, layout=False)
    step: reactive[int] = reactive(1, init=False, layout=False)

    class Changed(Message):
        """Posted when the value changes (by key, mouse or code); handle as `on_slider_changed`."""

        def __init__(self, slider: Slider, value: int) -> None:
            super().__init__()
            self.slider = slider
            self.value = value

        @property
        def control(self) -> Slider:
            """The slider that changed."""
            return self.slider

    def __init__(
        self,
        value: int = 0,
        *,
        min: int = 0,
        max: int = 100,
        step: int = 1,
        big_step: int | None = None,
        formatter: Callable[[int], str] = str,
        ascii_only: bool | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
        tooltip: str | None = None,
    ) -> None:
        """A slider.

        Args:
            value: The starting value (snapped to a step and clamped; no Changed is posted for it).
            min: The smallest value.
            max: The largest value (the end of the track is the last step at or below it).
            step: The distance between two values; at least 1.
            big_step: What shift+arrows and page up/down move by; 10 steps when not given.
            formatter: Turns a value into the text drawn beside the track, e.g. a money formatter.
            ascii_only: Draw with ASCII only; None: the app's `ascii` setting (widgets.glyphs).
        """
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self.set_reactive(Slider.min, min)
        self.set_reactive(Slider.max, max)
        self.set_reactive(Slider.step, self.validate_step(step))
        self.set_reactive(Slider.value, self.validate_value(value))
        self._big_step = big_step
        self._formatter = formatter
        self._glyphs = _ASCII if use_ascii(self, ascii_only) else _UNICODE
        self._dragging = False
        self._value_label = SliderValue(self)
        if tooltip is not None:
            self.tooltip = tooltip

    @property
    def big_step(self) -> int:
        """What a big step moves by: `big_step` if given, else ten steps."""
        return self._big_step if self._big_step is not None else self.step * 10

    @property
    def top(self) -> int:
        """The largest value the slider can hold: the last step at or below `max`."""
        span = max(0, self.max - self.min)
        return self.min + span // self.step * self.step

    def validate_step(self, step: int) -> int:
        return step if step >= 1 else 1

    def validate_value(self, value: int) -> int:
        """Snap to the nearest step (ties go up) and keep within [min, top]."""
        steps, rest = divmod(value - self.min, self.step)
        if rest * 2 >= self.step:
            steps += 1
        snapped = self.min + steps * self.step
        return min(max(snapped, self.min), self.top)

    def watch_value(self, old: int, value: int) -> None:
        self._repaint_change(old, value)
        self.post_message(self.Changed(self, value))

    def _repaint_change(self, old: int, new: int) -> None:
        """Mark dirty only the track up to the thumb, and the value's own cells."""
        width = self.size.width
        if width <= 0 or self.label_width() != self.label_width(old):
            self._redraw()  # the track changes length: redraw the line
            return
        track = self._track_width(width)
        before, after = self._thumb_index(track, old), self._thumb_index(track, new)
        low, high = min(before, after), max(before, after)
        self.refresh(Region(1 + low, 0, high - low + 1, 1))
        self._value_label.refresh()

    def _redraw(self) -> None:
        self.refresh()
        self._value_label.refresh(layout=True)  # its width follows the widest value

    def compose(self) -> ComposeResult:
        yield self._value_label

    def watch_disabled(self, disabled: bool) -> None:
        super().watch_disabled(disabled)
        if self.is_mounted:
            self._redraw()

    def _rebound(self) -> None:
        # New bounds or step: bring the value back onto the grid (posts Changed if it moves).
        self.value = self.value
        self._redraw()

    def watch_min(self) -> None:
        self._rebound()

    def watch_max(self) -> None:
        self._rebound()

    def watch_step(self) -> None:
        self._rebound()

    def configure(
        self,
        *,
        min: int | None = None,
        max: int | None = None,
        step: int | None = None,
        value: int | None = None,
    ) -> None:
        """Set bounds, step and value together: one repaint, and at most one `Changed` (for the
        final value, if it differs), instead of one per attribute set in turn."""
        if min is not None:
            self.set_reactive(Slider.min, min)
        if max is not None:
            self.set_reactive(Slider.max, max)
        if step is not None:
            self.set_reactive(Slider.step, self.validate_step(step))
        self.value = self.value if value is None else value
        self._redraw()

    def format_value(self, value: int) -> str:
        """The text drawn for a value."""
        return self._formatter(value)

    def label_width(self, value: int | None = None) -> int:
        """Cells for the value text: wide enough for either bound (or `value`), so the track
        keeps its length as the value moves."""
        shown = self.value if value is None else value
        labels = (self.format_value(self.min), self.format_value(self.top))
        return max(cell_len(label) for label in (*labels, self.format_value(shown)))

    def _track_width(self, width: int) -> int:
        return max(1, width - 3 - self.label_width())

    def _thumb_index(self, track: int, value: int | None = None) -> int:
        shown = self.value if value is None else value
        span = self.top - self.min
        if span <= 0 or track <= 1:
            return 0
        return ((shown - self.min) * (track - 1) * 2 + span) // (span * 2)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return 1

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if y != 0 or width <= 0:
            return Strip.blank(width, self.rich_style)
        fill, thumb, thumb_off, rest, brackets = self._glyphs
        track = self._track_width(width)
        index = self._thumb_index(track)
        base = self.rich_style
        style = self.get_component_rich_style
        open_, close = (brackets[0], brackets[1]) if self.has_focus else (" ", " ")
        label = self.format_value(self.value).rjust(self.label_width())
        segments = [
            Segment(open_, base),
            Segment(fill * index, style("slider--fill")),
            Segment(thumb_off if self.disabled else thumb, style("slider--thumb")),
            Segment(rest * (track - index - 1), style("slider--track")),
            Segment(close + " ", base),
            Segment(label, style("slider--label")),
        ]
        return Strip(segments).adjust_cell_length(width, base)

    def on_focus(self, event: events.Focus) -> None:
        self._redraw()

    def on_blur(self, event: events.Blur) -> None:
        self._redraw()

    def _value_at(self, x: int) -> int:
        """The value under column `x` of the content area (clamped to the track)."""
        track = self._track_width(self.size.width)
        position = min(max(x - 1, 0), track - 1)
        if track <= 1:
            return self.min
        span = (self.top - self.min) * position
        return self.validate_value(self.min + (span * 2 + track - 1) // ((track - 1) * 2))

    def on_mouse_down(self, event: events.MouseDown) -> None:
        if self.disabled:
            return
        event.stop()
        self._dragging = True
        self.capture_mouse()
        self.value = self._value_at(event.get_content_offset_capture(self).x)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if self._dragging and not self.disabled:
            event.stop()
            self.value = self._value_at(event.get_content_offset_capture(self).x)

    def on_mouse_up(self, event: events.MouseUp) -> None:
        if self._dragging:
            event.stop()
            self._dragging = False
            self.release_mouse()

    def _move(self, delta: int) -> None:
        if not self.disabled:
            self.value = self.validate_value(self.value + delta)

    def action_decrease(self) -> None:
        """One step down."""
        self._move(-self.step)

    def action_increase(self) -> None:
        """One step up."""
        self._move(self.step)

    def action_decrease_big(self) -> None:
        """A big step down."""
        self._move(-self.big_step)

    def action_increase_big(self) -> None:
        """A big step up."""
        self._move(self.big_step)

    def action_to_min(self) -> None:
        """To the smallest value."""
        if not self.disabled:
            self.value = self.min

    def action_to_max(self) -> None:
        """To the largest value."""
        if not self.disabled:
            self.value = self.top
