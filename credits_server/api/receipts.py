"""Receipts of payments: as JSON (with the lines they show) and as a PDF."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import Response

from credits_server.api.deps import ContextDep, ReaderDep
from credits_server.representations import receipt_out
from credits_server.schemas import ReceiptOut
from credits_server.services.receipt_pdf import receipt_pdf
from credits_server.services.receipts import get_receipt, number_text, receipt_lines, receipt_text

router = APIRouter(tags=["receipts"])
ReceiptId = Annotated[str, Path(max_length=40)]


@router.get("/v1/receipts/{receipt_id}", response_model=ReceiptOut)
async def receipt(ctx: ContextDep, caller: ReaderDep, receipt_id: ReceiptId) -> ReceiptOut:
    found = await get_receipt(ctx, caller.account_id, receipt_id)
    return receipt_out(found, receipt_lines(found), receipt_text(found))


@router.get(
    "/v1/receipts/{receipt_id}/pdf",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}, "description": "The receipt as PDF"}},
)
async def receipt_as_pdf(ctx: ContextDep, caller: ReaderDep, receipt_id: ReceiptId) -> Response:
    found = await get_receipt(ctx, caller.account_id, receipt_id)
    name = f"receipt-{number_text(found.number)}.pdf"
    return Response(
        receipt_pdf(found),
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
