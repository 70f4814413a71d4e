"""`credits-tui receipt ID [--pdf FILE]` and `credits-tui export ... --csv FILE`: receipts and the
ledger as files, for scripts. Signed in as the remembered session, as `balance` is.

Errors are one line on stderr: exit 2 when the person must act (not signed in, no such receipt,
a file that cannot be written), 1 when the server cannot be reached (try again later); see
`tui.cli_commands.run_signed_in`.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from credits_client.config import Settings
    from credits_client.store import AccountStore


def save_receipt(settings: Settings, receipt_id: str, pdf: Path | None) -> int:
    """Print the receipt's text, or with `pdf` write it there as a PDF."""

    from tui.cli_commands import run_signed_in

    async def work(store: AccountStore) -> int:
        documents = store.documents()
        receipt = await documents.receipt(receipt_id)
        if pdf is None:
            print(receipt.text)
        else:
            path = await documents.save_receipt_pdf(receipt, pdf)
            print(f"Receipt {receipt.number:06d} saved as {path}")
        return 0

    return run_signed_in(settings, work)


def export_csv(
    settings: Settings, start: date | None, end: date | None, kind: str | None, target: Path
) -> int:
    """Write the ledger entries of the period and kind to `target` as CSV."""
    from credits_client.api.export import ExportFilter
    from tui.cli_commands import run_signed_in

    async def work(store: AccountStore) -> int:
        which = ExportFilter(start, end, kind)
        path, rows = await store.documents().export_csv(which, target)
        print(f"{rows:,} {'row' if rows == 1 else 'rows'} saved as {path}")
        return 0

    return run_signed_in(settings, work)
