"""The reference for start-up: the smallest Textual app that paints something."""

from textual.app import App, ComposeResult
from textual.widgets import Static


class HelloApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("Hello, World!")


if __name__ == "__main__":
    HelloApp().run()
