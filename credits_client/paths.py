"""Where the configuration file is: light enough to ask before the first paint (no pydantic)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import platformdirs

APP_NAME = "credits-tui"
CONFIG_ENV = "CREDITS_TUI_CONFIG"


def config_path(explicit: Path | None = None, environ: Mapping[str, str] | None = None) -> Path:
    """The config file to read: `--config`, else $CREDITS_TUI_CONFIG, else the user config dir.

    platformdirs honours $XDG_CONFIG_HOME at call time (…/credits-tui/config.toml).
    """
    env = os.environ if environ is None else environ
    if explicit is not None:
        return explicit.expanduser()
    if env.get(CONFIG_ENV):
        return Path(env[CONFIG_ENV]).expanduser()
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "config.toml"


def save_folder() -> Path:
    """Where the app saves receipts and exports: the Downloads folder (XDG_DOWNLOAD_DIR, else
    ~/Downloads) when it exists, else the home folder."""
    downloads = Path(platformdirs.user_downloads_dir())
    return downloads if downloads.is_dir() else Path.home()
