"""LineStatic: the text a user reads after each update, whether the line count changes or not."""

from __future__ import annotations

from textual.app import App, ComposeResult

from widgets.line_static import LineStatic

SENTENCE = "When your balance falls below {}, add $25.00 using Visa •••• 4242 for this account."


class SentenceApp(App[None]):
    def compose(self) -> ComposeResult:
        yield LineStatic(SENTENCE.format("$20.00"), id="sentence")


def lines(widget: LineStatic) -> list[str]:
    return [widget.render_line(y).text.rstrip() for y in range(widget.size.height)]


async def test_a_new_amount_shows_and_the_rest_stays() -> None:
    app = SentenceApp()
    async with app.run_test(size=(60, 10)) as pilot:
        sentence = app.query_one(LineStatic)
        first = lines(sentence)
        assert len(first) == 2
        assert "$20.00" in first[0]
        sentence.update(SENTENCE.format("$21.00"))
        await pilot.pause()
        after = lines(sentence)
        assert "$21.00" in after[0]
        assert "$20.00" not in after[0]
        assert after[1] == first[1]
        assert sentence.content == SENTENCE.format("$21.00")


async def test_text_that_needs_more_lines_gets_them() -> None:
    app = SentenceApp()
    async with app.run_test(size=(60, 10)) as pilot:
        sentence = app.query_one(LineStatic)
        longer = SENTENCE.format("$20.00") + " Saved, and applied from the next debit onwards."
        sentence.update(longer)
        await pilot.pause()
        assert sentence.size.height == 3
        assert " ".join(lines(sentence)).split() == longer.split()


async def test_text_is_never_markup() -> None:
    app = SentenceApp()
    async with app.run_test(size=(60, 10)) as pilot:
        sentence = app.query_one(LineStatic)
        sentence.update("[b]Acme[/b] \x1b[31m")
        await pilot.pause()
        assert lines(sentence)[0].startswith("[b]Acme[/b]")
