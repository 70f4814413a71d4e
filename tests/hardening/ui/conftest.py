"""The UI tests' fixtures (the app on the live server, steady widgets), for hardening tests."""

from tests.screens.conftest import make_app, steady_widgets

__all__ = ["make_app", "steady_widgets"]
