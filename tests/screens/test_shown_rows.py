"""Full repaints send only the rows the terminal does not already show, and the screen stays right.

Each case feeds the same writes to two emulated terminals (pyte), one through ShownRows and one
as Textual wrote them, and compares what a person would see, row by row.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyte

from widgets.textual_hooks.shown_rows import ShownRows

WIDTH, HEIGHT = 20, 4


def row(number: int, text: str, colour: int = 31) -> str:
    return f"\x1b[{number};1H\x1b[{colour}m{text.ljust(WIDTH)}\x1b[0m"


def full_repaint(*texts: str, cursor: str = "\x1b[2;5H") -> str:
    """The shape Textual writes a full repaint in: rows joined by newlines, then the cursor."""
    rows = [row(number, text) for number, text in enumerate(texts, start=1)]
    return "\n".join(rows) + cursor


def shown(writes: Sequence[str], through: ShownRows | None = None) -> tuple[list[str], int]:
    """The screen after `writes` (optionally filtered) and the number of bytes sent."""
    screen = pyte.Screen(WIDTH, HEIGHT)
    stream = pyte.Stream(screen)
    sent = 0
    for data in writes:
        out = through.filter(data) if through is not None else data
        sent += len(out.encode())
        stream.feed(out)
    return list(screen.display), sent


FRAME = full_repaint("Sign in", "Email", "Password", "ctrl+q Quit")


def test_a_repeated_full_repaint_sends_only_the_cursor_and_shows_the_same() -> None:
    writes = [FRAME, FRAME]
    filtered, sent = shown(writes, ShownRows())
    plain, plain_sent = shown(writes)
    assert filtered == plain
    assert sent == len(FRAME.replace("\n", "").encode()) + len("\x1b[2;5H")
    assert plain_sent == 2 * len(FRAME.encode())


def test_rows_drawn_over_by_a_partial_update_are_sent_again() -> None:
    # A widget drew over row 3; the cursor move after it counts as touching row 2.
    partial = "\x1b[3;1H\x1b[33mOops\x1b[0m\x1b[2;5H"
    writes = [FRAME, partial, FRAME]
    filtered, _ = shown(writes, ShownRows())
    plain, _ = shown(writes)
    assert filtered == plain
    assert filtered[2].startswith("Password")
    resent = ShownRows()
    resent.filter(FRAME)
    resent.filter(partial)
    again = resent.filter(FRAME)
    assert again == row(2, "Email") + row(3, "Password") + "\x1b[2;5H"


def test_a_changed_row_is_sent_and_the_others_are_not() -> None:
    changed = full_repaint("Sign in", "Email", "Password", "ctrl+o Demo  ctrl+q Quit")
    rows = ShownRows()
    rows.filter(FRAME)
    assert rows.filter(changed) == row(4, "ctrl+o Demo  ctrl+q Quit") + "\x1b[2;5H"
    filtered, _ = shown([FRAME, changed], ShownRows())
    plain, _ = shown([FRAME, changed])
    assert filtered == plain


def test_everything_is_sent_again_after_the_terminal_was_cleared_or_resized() -> None:
    for reset in ("\x1b[?1049h", "\x1b[2J"):
        rows = ShownRows()
        rows.filter(FRAME)
        rows.filter(reset)
        assert rows.filter(FRAME) == FRAME.replace("\n", "")
    taller = full_repaint("Sign in", "Email", "Password", "", "ctrl+q Quit")
    rows = ShownRows()
    rows.filter(FRAME)
    assert rows.filter(taller) == taller.replace("\n", "")


def test_forget_sends_the_whole_screen_again() -> None:
    rows = ShownRows()
    rows.filter(FRAME)
    rows.forget()
    assert rows.filter(FRAME) == FRAME.replace("\n", "")


def test_other_writes_pass_unchanged() -> None:
    rows = ShownRows()
    for data in ("\x1b[?25l", "\x1b[4;11Hpartial\x1b[0m", "\x1b]22;default\x07", "plain"):
        assert rows.filter(data) == data
