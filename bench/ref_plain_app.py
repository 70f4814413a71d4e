"""The reference for bytes to the terminal: a plain Textual app with a header, two buttons, a
slider (the project's own Slider widget; Textual has none) and a footer, default styles."""

from textual.app import App, ComposeResult
from textual.widgets import Button, Footer, Header

from widgets.slider import Slider


class PlainApp(App[None]):
    BINDINGS = [("ctrl+q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Button("Pay now", id="pay")
        yield Button("Cancel", id="cancel")
        yield Slider(50, min=0, max=100, step=5, id="slider")
        yield Footer()


if __name__ == "__main__":
    PlainApp().run()
