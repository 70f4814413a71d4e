"""Start the app: pick the server (configured, or the embedded one), build the store, run."""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tui.config import Settings
    from tui.store import AccountStore

# What the store calls the embedded server in URLs; the Unix socket is what really connects.
EMBEDDED_BASE_URL = "http://credits-server.local"


@contextmanager
def open_store(settings: Settings) -> Iterator[AccountStore]:
    """The store for `settings`; with no api_url, on the embedded server, held while in use."""
    from tui.store import AccountStore

    if settings.api_url:
        yield AccountStore.from_settings(settings)
        return
    from tui.embedded import EmbeddedServer, data_dir

    embedded = EmbeddedServer(database_dir=settings.data_dir or data_dir())
    socket_path = embedded.start()
    try:
        yield AccountStore.from_settings(settings, base_url=EMBEDDED_BASE_URL, uds=str(socket_path))
    finally:
        embedded.close()


def run(settings: Settings) -> int:
    from tui.api.logs import configure_logging
    from tui.app import create_app

    configure_logging(settings.log_file)
    with open_store(settings) as store:
        app = create_app(store, theme=settings.theme, mouse=settings.mouse)
        app.launch()
    return app.return_code or 0
