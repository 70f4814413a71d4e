"""Support requests (a top-up above the maximum, and anything else)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from credits_server.api.deps import ContextDep, IdempotencyKeyHeader, ReaderDep, SupportDep
from credits_server.representations import support_out
from credits_server.schemas import Page, SupportBody, SupportOut
from credits_server.services import support

router = APIRouter(tags=["support"])


@router.post(
    "/v1/support-requests",
    status_code=201,
    response_model=SupportOut,
    responses={200: {"model": SupportOut, "description": "Replayed for the same key and body"}},
)
async def create_request(
    ctx: ContextDep,
    caller: SupportDep,
    response: Response,
    body: SupportBody,
    idempotency_key: IdempotencyKeyHeader = None,
) -> SupportOut:
    """Optional Idempotency-Key: a repeat with the same body answers the first request (200)."""
    item, created = await support.create_request(
        ctx, caller, body.amount, body.message, body.contact, idempotency_key
    )
    response.status_code = 201 if created else 200
    return support_out(item)


@router.get("/v1/support-requests", response_model=Page[SupportOut])
async def list_requests(ctx: ContextDep, caller: ReaderDep) -> Page[SupportOut]:
    items = await support.list_requests(ctx, caller.account_id)
    return Page[SupportOut](data=[support_out(item) for item in items])
