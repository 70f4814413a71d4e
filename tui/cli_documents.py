"""`credits-tui receipt ID [--pdf FILE]` and `credits-tui export ... --csv FILE`: receipts and the
ledger as files, for scripts. Signed in as the remembered session, as `balance` is.

Errors are one line on stderr: exit 2 when the person must act (not signed in, no such receipt,
a file that cannot be written), 1 when the server cannot be reached (try again later).
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from credits_client.config import Settings
    from credits_client.store import AccountStore


def save_receipt(settings: Settings, receipt_id: str, pdf: Path | None) -> int:
    """Print the receipt's text, or with `pdf` write it there as a PDF."""

    async def work(store: AccountStore) -> None:
        documents = store.documents()
        receipt = await documents.receipt(receipt_id)
        if pdf is None:
            print(receipt.text)
        else:
            path = await documents.save_receipt_pdf(receipt, pdf)
            print(f"Receipt {receipt.number:06d} saved as {path}")

    return _signed_in(settings, work)


def export_csv(
    settings: Settings, start: date | None, end: date | None, kind: str | None, target: Path
) -> int:
    """Write the ledger entries of the period and kind to `target` as CSV."""
    from credits_client.api.export import ExportFilter

    async def work(store: AccountStore) -> None:
        which = ExportFilter(start, end, kind)
        path, rows = await store.documents().export_csv(which, target)
        print(f"{rows:,} {'row' if rows == 1 else 'rows'} saved as {path}")

    return _signed_in(settings, work)


def _signed_in(settings: Settings, work: Callable[[AccountStore], Awaitable[None]]) -> int:
    from credits_client.api.errors import ApiError, ServerUnreachable
    from credits_client.api.logs import configure_logging
    from credits_client.embedded import EmbeddedServerError
    from credits_client.session_file import SessionFile
    from credits_client.store import session_key
    from tui.cli_commands import not_signed_in
    from tui.launch import open_store

    configure_logging(settings.log_file)
    if SessionFile().load(session_key(settings)) is None:
        return not_signed_in()

    async def run() -> int:
        with open_store(settings) as store:
            try:
                await store.connect()
                if store.state.connection != "online":
                    return _fail("the credits server cannot be reached", 1)
                if not store.state.signed_in:
                    return not_signed_in()
                await work(store)
                return 0
            except ServerUnreachable as error:
                return _fail(str(error), 1)
            except ApiError as error:
                # The field's own message says more than "Some fields are not valid."
                fields = [f"{name}: {text}" for name, text in error.field_errors.items()]
                return _fail(fields[0] if fields else error.message, 2)
            except OSError as error:
                return _fail(f"cannot write {error.filename}: {error.strerror}", 2)
            finally:
                await store.close()

    try:
        return asyncio.run(run())
    except EmbeddedServerError as error:
        return _fail(f"the local server could not be started: {error}", 1)


def _fail(message: str, status: int) -> int:
    print(f"credits-tui: {message}", file=sys.stderr)
    return status
