"""The ledger as a CSV file, streamed (credits_server.services.export)."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse
from pydantic import BeforeValidator

from credits_server.api.deps import ContextDep, ReaderDep
from credits_server.schemas import LedgerKind
from credits_server.services.export import csv_chunks, plan_export

router = APIRouter(tags=["account"])
ROW_COUNT_HEADER = "X-Row-Count"


def _iso_day(value: object) -> object:
    """A day as ISO 8601 writes it: a plain `date` would also take a number (a Unix time)."""
    if isinstance(value, str) and not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        raise ValueError("Not a date like 2026-12-31.")
    return value


Day = Annotated[date | None, BeforeValidator(_iso_day)]


@router.get(
    "/v1/account/transactions.csv",
    response_class=StreamingResponse,
    responses={
        200: {
            "content": {"text/csv": {}},
            "description": f"The entries, oldest first; {ROW_COUNT_HEADER} says how many",
        }
    },
)
async def export_transactions(
    ctx: ContextDep,
    caller: ReaderDep,
    start: Annotated[Day, Query(alias="from")] = None,
    end: Annotated[Day, Query(alias="to")] = None,
    kind: Annotated[LedgerKind | None, Query()] = None,
) -> StreamingResponse:
    """Entries from `from` to `to` (whole days, UTC, both included) of `kind`."""
    plan = await plan_export(ctx, caller.account_id, start, end, kind)
    name = f"transactions-{start or 'start'}-to-{end or 'now'}.csv"
    return StreamingResponse(
        csv_chunks(ctx, plan),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            ROW_COUNT_HEADER: str(plan.rows),
            "Cache-Control": "no-store",
        },
    )
