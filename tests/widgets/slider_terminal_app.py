"""The slider app of the tests, run on its own in a real terminal by test_slider_terminal."""

from __future__ import annotations

from tests.widgets.test_slider import SliderApp

if __name__ == "__main__":
    SliderApp().run()
