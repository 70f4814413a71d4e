"""Repaints send only the cells the terminal does not already show, and the screen stays right.

Each case feeds the same writes to two emulated terminals (pyte), one through ShownRows and one
as Textual wrote them, and compares what a person would see, row by row.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import pyte
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

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
    # A widget drew over row 3; the cursor move after it draws nothing.
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
    assert again == "\x1b[3;1H\x1b[31mPass\x1b[0m\x1b[2;5H"  # the cells "Oops" drew over


def test_a_changed_row_is_sent_and_the_others_are_not() -> None:
    changed = full_repaint("Sign in", "Email", "Password", "ctrl+o Demo  ctrl+q Quit")
    rows = ShownRows()
    rows.filter(FRAME)
    # From the first cell that differs ("ctrl+" is the same) to the last.
    assert rows.filter(changed) == "\x1b[4;6H\x1b[31mo Demo  ctrl+q Quit\x1b[0m\x1b[2;5H"
    filtered, _ = shown([FRAME, changed], ShownRows())
    plain, _ = shown([FRAME, changed])
    assert filtered == plain


def test_everything_is_sent_again_after_the_terminal_was_cleared_or_resized() -> None:
    for reset in ("\x1b[?1049h", "\x1b[2J"):
        rows = ShownRows()
        rows.filter(FRAME)
        rows.filter(reset)
        assert rows.filter(FRAME) == FRAME.replace("\n", "")
    rows = ShownRows()
    rows.resized(WIDTH, HEIGHT)
    rows.filter(FRAME)
    rows.resized(WIDTH, HEIGHT)  # Textual says the size again at start-up: nothing moved
    assert rows.filter(FRAME) == "\x1b[2;5H"
    rows.resized(WIDTH, HEIGHT + 1)
    assert rows.filter(FRAME) == FRAME.replace("\n", "")


def test_forget_sends_the_whole_screen_again() -> None:
    rows = ShownRows()
    rows.filter(FRAME)
    rows.forget()
    assert rows.filter(FRAME) == FRAME.replace("\n", "")


def test_other_writes_pass_unchanged() -> None:
    rows = ShownRows()
    for data in ("\x1b[?25l", "\x1b[4;11Hpartial", "\x1b]22;default\x07", "plain"):
        assert rows.filter(data) == data


def piece(number: int, column: int, text: str, colour: int = 32) -> str:
    return f"\x1b[{number};{column}H\x1b[{colour}m{text}\x1b[0m"


CURSOR = "\x1b[1;3H"


def test_a_repainted_widget_sends_only_its_changed_cells() -> None:
    # A table of two columns repainted whole, as Textual writes a partial update: pieces of
    # different rows joined by newlines, then the cursor. Only the changed character goes out.
    table = [piece(2, 1, "Date "), piece(2, 6, "$1.00"), piece(3, 1, "Dec 1"), piece(3, 6, "$2.00")]
    again = [*table[:3], piece(3, 6, "$2.50")]

    def update(cells: list[str]) -> str:
        return cells[0] + cells[1] + "\n" + cells[2] + cells[3] + CURSOR

    rows = ShownRows()
    rows.filter(FRAME)
    assert rows.filter(update(table)) == "".join(table) + CURSOR
    assert rows.filter(update(again)) == "\x1b[3;9H\x1b[32m5\x1b[0m" + CURSOR
    writes = [FRAME, update(table), update(again)]
    assert shown(writes, ShownRows())[0] == shown(writes)[0]


def test_a_piece_drawn_over_is_sent_again() -> None:
    balance = piece(1, 1, "Balance $50.00")
    rows = ShownRows()
    rows.filter(balance + CURSOR)
    rows.filter(piece(1, 9, "$9") + CURSOR)  # over part of it
    assert rows.filter(balance + CURSOR) == "\x1b[1;10H\x1b[32m5\x1b[0m" + CURSOR
    rows.filter(piece(1, 16, "USD") + CURSOR)  # beside it: the balance stays known
    assert rows.filter(balance + CURSOR) == CURSOR


def test_the_same_cells_cut_into_other_pieces_are_not_sent_again() -> None:
    # Textual writes a full repaint as whole rows and a partial one as each widget's part of
    # a row: the same cells, in other pieces.
    whole = "\x1b[2;1H\x1b[31mEmail \x1b[0m\x1b[32m[you@example]\x1b[0m" + CURSOR
    cut = "\x1b[2;1H\x1b[31mEmail \x1b[0m\x1b[2;7H\x1b[32m[you@\x1b[0m\x1b[32mexample]\x1b[0m"
    rows = ShownRows()
    rows.filter(whole)
    assert rows.filter(cut + CURSOR) == CURSOR
    assert rows.filter(whole) == CURSOR


def test_double_width_characters_are_sent_whole() -> None:
    rows = ShownRows()
    rows.filter(piece(1, 1, "ab日本cd") + CURSOR)
    # The second character changed: it is sent whole, from its left half.
    assert rows.filter(piece(1, 1, "ab日木cd") + CURSOR) == "\x1b[1;5H\x1b[32m木\x1b[0m" + CURSOR
    # A narrow character over the right half of 日 takes all of 日 from the terminal.
    rows.filter(piece(1, 4, "x") + CURSOR)
    assert rows.filter(piece(1, 1, "ab日") + CURSOR) == "\x1b[1;3H\x1b[32m日\x1b[0m" + CURSOR


def test_a_piece_after_colours_left_set_is_sent() -> None:
    rows = ShownRows()
    rows.filter(piece(1, 1, "one") + piece(2, 1, "two") + CURSOR)
    open_colour = "\x1b[1;1H\x1b[31mone"  # no reset at its end
    sent = open_colour + piece(2, 1, "two") + CURSOR
    assert rows.filter(sent) == sent


def test_what_is_not_read_makes_it_forget() -> None:
    rows = ShownRows()
    rows.filter(piece(1, 1, "one") + piece(2, 1, "two") + CURSOR)
    erase = "\x1b[1;1H\x1b[K"  # erase the line: not cells this module reads
    assert rows.filter(erase) == erase
    assert rows.filter(piece(1, 1, "one") + CURSOR) == piece(1, 1, "one") + CURSOR
    assert rows.filter(piece(2, 1, "two") + CURSOR) == CURSOR
    unplaced = "\x1b[2;1H\x1b[K\nthree"  # cells drawn on the next row: forget every row
    assert rows.filter(unplaced) == unplaced
    assert rows.filter(piece(2, 1, "two") + CURSOR) == piece(2, 1, "two") + CURSOR


def test_neighbouring_runs_of_the_same_colours_are_sent_as_one() -> None:
    cells = "\x1b[32ma\x1b[0m\x1b[32mb\x1b[0m\x1b[1;32mc\x1b[0md\x1b[32me\x1b[0m"
    sent = ShownRows().filter("\x1b[2;1H" + cells + CURSOR)
    assert sent == "\x1b[2;1H\x1b[32mab\x1b[0m\x1b[1;32mc\x1b[0md\x1b[32me\x1b[0m" + CURSOR
    two_runs = "\x1b[2;1H\x1b[32ma\x1b[0m\x1b[32mb\x1b[0m"
    assert ShownRows().filter(two_runs) == "\x1b[2;1H\x1b[32mab\x1b[0m"
    assert shown(["\x1b[2;1H" + cells])[0] == shown([sent])[0]


_RUNS = st.lists(
    st.tuples(
        st.sampled_from(["ab", "x", "  ", "日", "─é", "b日x"]),
        st.sampled_from(["31", "32", "1;32", ""]),
    ),
    min_size=1,
    max_size=3,
).map(lambda runs: "".join(f"\x1b[{sgr}m{text}\x1b[0m" if sgr else text for text, sgr in runs))
_PIECES = st.tuples(
    st.integers(1, HEIGHT),
    st.integers(1, WIDTH - 6),
    _RUNS,
).filter(  # Textual never writes past the right edge
    lambda piece: piece[1] - 1 + cell_len(re.sub(r"\x1b\[[0-9;]*m", "", piece[2])) <= WIDTH
)


def update(pieces: list[tuple[int, int, str]]) -> str:
    """Pieces as Textual writes an update: rows top to bottom, a newline between rows (never
    after the last, so it never scrolls), then the cursor."""
    data, last_row = "", None
    for number, column, cells in sorted(pieces):
        newline = "\n" if last_row not in (None, number) else ""
        data += f"{newline}\x1b[{number};{column}H{cells}"
        last_row = number
    return data + "\x1b[1;1H"


_WRITES = st.lists(
    st.one_of(
        # Textual writes the rows of an update top to bottom, so no newline ever scrolls.
        st.lists(_PIECES, min_size=1, max_size=4).map(update),
        st.sampled_from([FRAME, "\x1b[2J", "\x1b[1;1H\x1b[K", "\x1b[?25l"]),
    ),
    max_size=12,
)


def cells(writes: Sequence[str], through: ShownRows | None = None) -> list[list[object]]:
    screen = pyte.Screen(WIDTH, HEIGHT)
    stream = pyte.Stream(screen)
    for data in writes:
        stream.feed(through.filter(data) if through is not None else data)
    return [[screen.buffer[y][x] for x in range(WIDTH)] for y in range(HEIGHT)]


@settings(max_examples=300, deadline=None)
@given(_WRITES)
def test_any_writes_show_the_same_screen_filtered_or_not(writes: list[str]) -> None:
    assert cells(writes, ShownRows()) == cells(writes)
