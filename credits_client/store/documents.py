"""Receipts and the CSV export: documents a person saves as files, outside the account state.

Calls go through the store's `_net`, so the connection state and session expiry stay true. Files
land in `save_folder()` unless a path is given.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from credits_client.api.client import CreditsClient
from credits_client.api.export import ExportFilter, Progress, export_csv
from credits_client.api.models import Receipt
from credits_client.paths import save_folder

Net = Callable[[Awaitable[Any]], Awaitable[Any]]


def receipt_file_name(receipt: Receipt) -> str:
    return f"receipt-{receipt.number:06d}.pdf"


def export_file_name(which: ExportFilter) -> str:
    kind = f"-{which.kind}" if which.kind else ""
    period = (
        f"-{which.start or 'start'}-to-{which.end or 'now'}" if which.start or which.end else ""
    )
    return f"transactions{kind}{period}.csv"


def free_name(folder: Path, name: str) -> Path:
    """`folder/name`, or `name (2)` ... when that file exists: saving never overwrites."""
    candidate = folder / name
    stem, suffix = candidate.stem, candidate.suffix
    number = 2
    while candidate.exists():
        candidate = folder / f"{stem} ({number}){suffix}"
        number += 1
    return candidate


class Documents:
    def __init__(self, client: CreditsClient, net: Net) -> None:
        self._client = client
        self._net = net

    async def receipt(self, receipt_id: str) -> Receipt:
        found: Receipt = await self._net(self._client.receipt(receipt_id))
        return found

    async def save_receipt_pdf(self, receipt: Receipt, target: Path | None = None) -> Path:
        """The receipt as PDF in `target` (default: a new file in the save folder)."""
        pdf: bytes = await self._net(self._client.receipt_pdf(receipt.id))
        if target is None:
            folder = save_folder()
            folder.mkdir(parents=True, exist_ok=True)
            target = free_name(folder, receipt_file_name(receipt))
        target.write_bytes(pdf)
        return target

    async def export_csv(
        self, which: ExportFilter, target: Path | None = None, progress: Progress | None = None
    ) -> tuple[Path, int]:
        """The entries `which` selects as CSV in `target` (default: a new file in the save
        folder); returns the file and its number of rows."""
        if target is None:
            folder = save_folder()
            folder.mkdir(parents=True, exist_ok=True)
            target = free_name(folder, export_file_name(which))
        rows: int = await self._net(export_csv(self._client, target, which, progress))
        return target, rows
