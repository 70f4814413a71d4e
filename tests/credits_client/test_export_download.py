"""The client's CSV download: streamed into the file with progress as the rows arrive, renamed
into place only when whole; a refused export leaves no file behind."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from credits_client.api.client import CreditsClient
from credits_client.api.errors import ApiError
from credits_client.api.export import ExportFilter, export_csv
from tests.support.live_server import LiveServer, Owner

ENTRIES = 5_000  # more than two of the server's pages (2,000 rows each)


def seed(server: LiveServer, owner: Owner, count: int) -> None:
    async def action(ctx: Any) -> None:
        from sqlalchemy import insert, update

        from credits_server.models import Account, LedgerEntry, utcnow

        now = utcnow()
        rows = [
            {
                "account_id": owner.account_id,
                "kind": "usage",
                "amount": -1,
                "balance_after": 5000 - index - 1,
                "description": f"Call {index}",
                "reference": f"seed-{index}",
                "created_at": now,
            }
            for index in range(count)
        ]
        async with ctx.db.write() as session:
            await session.execute(insert(LedgerEntry), rows)
            await session.execute(
                update(Account).where(Account.id == owner.account_id).values(balance=5000 - count)
            )

    server.run(action)


def files_in(folder: Path) -> list[Path]:
    return list(folder.iterdir())


async def test_the_rows_stream_into_the_file_with_progress(
    live_server: LiveServer, owner: Owner, tmp_path: Path
) -> None:
    seed(live_server, owner, ENTRIES)
    client = CreditsClient(live_server.url)
    client.set_token(owner.token)
    seen: list[tuple[int, int]] = []
    target = tmp_path / "all.csv"
    try:
        rows = await export_csv(
            client, target, ExportFilter(), lambda done, total: seen.append((done, total))
        )
    finally:
        await client.aclose()
    total = ENTRIES + 1  # and the opening balance
    assert rows == total
    assert len(target.read_bytes().splitlines()) == total + 1  # the header
    assert seen[-1] == (total, total)
    assert len(seen) > 2
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    assert files_in(tmp_path) == [target]


async def test_a_refused_export_leaves_no_file(
    live_server: LiveServer, owner: Owner, tmp_path: Path
) -> None:
    client = CreditsClient(live_server.url)
    client.set_token(owner.token)
    try:
        with pytest.raises(ApiError):
            await export_csv(client, tmp_path / "x.csv", ExportFilter(kind="gift"))
    finally:
        await client.aclose()
    assert files_in(tmp_path) == []
