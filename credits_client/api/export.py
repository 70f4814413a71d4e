"""Downloading the ledger as CSV, streamed from the server straight into a file.

The answer is read in chunks and written as it comes, so an export of a million entries needs no
more memory than one of ten. It is written beside the target under a temporary name and renamed
at the end: an export cut short (network, server, the person leaving) never leaves half a file
under the name asked for.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import httpx

from credits_client.api.errors import ServerUnreachable

if TYPE_CHECKING:
    from credits_client.api.client import CreditsClient

EXPORT_PATH = "/v1/account/transactions.csv"
ROW_COUNT_HEADER = "x-row-count"
Progress = Callable[[int, int], None]
"""Called with (rows written so far, rows in all) as the file grows."""


@dataclass(frozen=True, slots=True)
class ExportFilter:
    start: date | None = None
    end: date | None = None
    kind: str | None = None

    def params(self) -> dict[str, str]:
        values = {"from": self.start, "to": self.end, "kind": self.kind}
        return {name: str(value) for name, value in values.items() if value is not None}


async def export_csv(
    client: CreditsClient, target: Path, which: ExportFilter, progress: Progress | None = None
) -> int:
    """Write the entries `which` selects to `target` as CSV; returns how many rows it holds."""
    partial = target.with_name(f".{target.name}.part")
    response = await client.open_download(EXPORT_PATH, which.params())
    try:
        total = int(response.headers.get(ROW_COUNT_HEADER, "0"))
        written = -1  # the header line is not a row
        with partial.open("wb") as out:
            try:
                async for chunk in response.aiter_bytes():
                    out.write(chunk)
                    # Rows end in CRLF; a description's own line breaks are bare LF in quotes.
                    written += chunk.count(b"\r\n")
                    if progress is not None:
                        progress(max(0, min(written, total)), total)
            except httpx.TransportError:
                raise ServerUnreachable(
                    "The connection to the credits server broke off during the export."
                ) from None
        os.replace(partial, target)
    finally:
        await response.aclose()
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
    if progress is not None:
        progress(total, total)
    return total
