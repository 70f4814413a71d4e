"""Start the app: paint the login screen first, then read the settings, pick the server (configured,
or the embedded one) and build the store.

What the first paint needs is read cheaply here (theme, mouse, email, ascii, remember_session,
keymap); pydantic-settings, httpx and the embedded server cost ~0.6 s on these machines, so they
wait until the screen is up.
"""

from __future__ import annotations

import asyncio
import gc
import os
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from credits_client.config import Settings
    from credits_client.embedded import EmbeddedServer
    from credits_client.store import AccountStore
    from tui.app import CreditsApp

# What the store calls the embedded server in URLs; the Unix socket is what really connects.
EMBEDDED_BASE_URL = "http://credits-server.local"
_TRUE = {"1", "true", "on", "yes"}


def peek(
    config_path: Path | None,
    overrides: Mapping[str, object],
    key: str,
    file: Mapping[str, object] | None = None,
) -> object:
    """`key` as flags > environment > file say, unchecked: only for the first paint. The real
    settings are validated right after, and a bad value is reported then. `file`: the file's
    table if already read (`read_file`)."""
    if key in overrides:
        return overrides[key]
    env = os.environ.get(f"CREDITS_TUI_{key.upper()}")
    if env is not None:
        return env
    return (read_file(config_path) if file is None else file).get(key)


def read_file(config_path: Path | None) -> Mapping[str, object]:
    """The configuration file's table, unchecked; empty when there is no file or it is not TOML."""
    path = config_path or _default_config_path()
    try:
        file = path.open("rb")
    except OSError:
        return {}
    import tomllib  # only with a file to read: most starts have none

    with file:
        try:
            return tomllib.load(file)
        except (OSError, tomllib.TOMLDecodeError):
            return {}


def _default_config_path() -> Path:
    from credits_client.paths import config_path  # not credits_client.config: that loads pydantic

    return config_path()


def _as_keymap(value: object) -> dict[str, str]:
    """The `[keymap]` table, or the JSON object of CREDITS_TUI_KEYMAP; its string entries only
    (the settings' validation reports any other)."""
    if isinstance(value, str):
        import json  # only for a keymap given in the environment

        try:
            value = json.loads(value)
        except ValueError:
            return {}
    if not isinstance(value, dict):
        return {}
    return {str(key): keys for key, keys in value.items() if isinstance(keys, str)}


def _as_bool(value: object, default: bool) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return value.strip().lower() in _TRUE
    return default


@contextmanager
def open_store(settings: Settings) -> Iterator[AccountStore]:
    """The store for `settings` (for commands without a screen); held open while in use."""
    store, embedded = _store_for(settings)
    try:
        yield store
    finally:
        if embedded is not None:
            embedded.close()


def _store_for(settings: Settings) -> tuple[AccountStore, EmbeddedServer | None]:
    """The store on the configured server, or on the embedded one (started here, to be closed by
    the caller). Blocks: it may spawn the server's supervisor."""
    from credits_client.store import AccountStore

    if settings.api_url:
        return AccountStore.from_settings(settings), None
    from credits_client.embedded import EmbeddedServer, data_dir

    embedded = EmbeddedServer(database_dir=settings.data_dir or data_dir())
    socket_path = embedded.start()
    store = AccountStore.from_settings(settings, base_url=EMBEDDED_BASE_URL, uds=str(socket_path))
    return store, embedded


class Opener:
    """Opens the store once the login screen is up; remembers the embedded server to let it go."""

    def __init__(self, config_path: Path | None, overrides: Mapping[str, object]) -> None:
        self.config_path = config_path
        self.overrides = dict(overrides)
        self.embedded: EmbeddedServer | None = None

    async def __call__(self) -> AccountStore:
        gc.enable()  # off since start-up (run); the login screen is painted now
        # Imports, file reads and spawning the server block: off the event loop, so the login
        # screen stays responsive while they run.
        return await asyncio.to_thread(self._open)

    def _open(self) -> AccountStore:
        from credits_client.api.logs import configure_logging
        from credits_client.config import ConfigError, load_settings
        from credits_client.embedded import EmbeddedServerError
        from tui.app import StartupError

        try:
            settings = load_settings(self.config_path, self.overrides)
        except ConfigError as error:
            raise StartupError(str(error)) from None
        configure_logging(settings.log_file)
        try:
            store, self.embedded = _store_for(settings)
        except EmbeddedServerError as error:
            raise StartupError(str(error), exit_code=1) from None
        return store


def build_app(
    config_path: Path | None, overrides: Mapping[str, object]
) -> tuple[CreditsApp, Opener]:
    """The app as `credits-tui` runs it, with what the first paint needs of the settings, and
    its opener: the store opens (and the settings are checked) once the login screen is painted;
    the caller closes `opener.embedded` once the app has ended."""
    from tui.app import create_app
    from widgets.glyphs import prefer_ascii

    file = read_file(config_path)

    def setting(key: str) -> object:
        return peek(config_path, overrides, key, file)

    theme, email = setting("theme"), setting("email")
    opener = Opener(config_path, overrides)
    app = create_app(
        opener,
        theme=theme if isinstance(theme, str) else None,
        mouse=_as_bool(setting("mouse"), default=True),
        email=email if isinstance(email, str) else "",
        # Set nowhere: a locale whose character set is not UTF-8 means ASCII.
        ascii_only=_as_bool(setting("ascii"), default=prefer_ascii()),
        remember_session=_as_bool(setting("remember_session"), default=False),
        keymap=_as_keymap(setting("keymap")),
    )
    return app, opener


def run(config_path: Path | None, overrides: Mapping[str, object]) -> int:
    # Start-up allocates objects that all live on, and the cyclic collector would walk them again
    # and again before the first frame (a fifth of the CPU time to the painted login screen). It
    # is back on once the login screen is painted (Opener), or when the app ends.
    gc.disable()
    app, opener = build_app(config_path, overrides)
    try:
        app.launch()
    finally:
        gc.enable()
        if opener.embedded is not None:
            opener.embedded.close()
    if app.startup_error is not None:
        print(f"credits-tui: {app.startup_error}", file=sys.stderr)
        return app.startup_error.exit_code
    return app.return_code or 0
