"""The checkbox and radio buttons that read without colour: a glyph per state, a focus marker."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.widgets import RadioSet

from widgets.choice import Choice
from widgets.glyphs import ASCII_ENV
from widgets.toggles import TickBox


class TogglesApp(App[None]):
    def compose(self) -> ComposeResult:
        with RadioSet(id="choices"):
            yield Choice("Saved card", value=True, id="saved")
            yield Choice("A new card", id="new")
        yield TickBox("Save this card", id="save")


def shown(app: App[None], selector: str) -> str:
    return str(app.query_one(selector).render())


@pytest.mark.parametrize(
    ("ascii_only", "marks"),
    [("0", ("▸", "▐●▌", "▐○▌", "▐X▌", "▐ ▌")), ("1", (">", "(*)", "( )", "[X]", "[ ]"))],
)
async def test_states_and_focus_read_in_plain_text(
    monkeypatch: pytest.MonkeyPatch, ascii_only: str, marks: tuple[str, ...]
) -> None:
    monkeypatch.setenv(ASCII_ENV, ascii_only)
    marker, ticked, unticked, box_ticked, box_empty = marks
    app = TogglesApp()
    async with app.run_test() as pilot:
        app.query_one("#choices").focus()
        await pilot.pause()
        assert shown(app, "#saved").startswith(f"{marker}{ticked}")
        assert shown(app, "#new").startswith(f" {unticked}")
        assert shown(app, "#save").startswith(f" {box_empty}")  # unticked, not focused
        await pilot.press("tab", "space")
        await pilot.pause()
        assert shown(app, "#save").startswith(f"{marker}{box_ticked}")
        assert shown(app, "#saved").startswith(f" {ticked}")  # the set lost the focus
