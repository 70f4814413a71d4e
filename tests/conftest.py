"""Shared test set-up: the environment is cleaned before Textual is imported."""

from __future__ import annotations

import os

# Textual reads these at import time: a developer's terminal must not change the snapshots.
for _name in ("TEXTUAL_THEME", "NO_COLOR", "COLORTERM", "TEXTUAL_ANIMATIONS", "TEXTUAL"):
    os.environ.pop(_name, None)
os.environ["TEXTUAL_ANIMATIONS"] = "none"
os.environ["TERM"] = "xterm-256color"

pytest_plugins = ["tests.support.live_server", "tests.support.engine"]
