"""Top-ups with an Idempotency-Key; the logic lives in credits_server.services.topups."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from credits_server.api.deps import ContextDep, IdempotencyKeyHeader, PayerDep, ReaderDep
from credits_server.api.problems import HttpProblem
from credits_server.context import Context
from credits_server.models import Topup
from credits_server.representations import topup_out
from credits_server.schemas import Page, TopupBody, TopupOut
from credits_server.services import topups

router = APIRouter(tags=["top-ups"])

PAYMENT_PAGE_ONLY = (
    "New cards are taken only on the secure payment page here: make a payment link "
    "(POST /v1/payment-links) and pay there, or pay with a saved card."
)


def refuse_a_new_card_when_page_only(ctx: Context) -> None:
    """With `payment_page = "only"` a card is typed on the secure payment page alone."""
    if ctx.settings.payment_page == "only":
        raise HttpProblem(403, "payment_page_only", PAYMENT_PAGE_ONLY)


def action_url(ctx: Context, request: Request, topup: Topup) -> str | None:
    if topup.status != "requires_action":
        return None
    return ctx.gateway.authentication_url(
        ctx.settings.public_url or str(request.base_url), topup.id
    )


async def topup_answer(ctx: Context, request: Request, topup: Topup) -> TopupOut:
    method = await topups.payment_method_of(ctx, topup)
    return topup_out(topup, method, action_url(ctx, request, topup))


async def finish_authentication(request: Request, topup_id: str, approve: bool) -> TopupOut:
    """The credits server's side of 3-D Secure, called by the gateway's page with the customer's
    answer: the top-up is finished (credited when approved) and answered as GET shows it."""
    ctx: Context = request.app.state.context
    topup = await topups.complete_authentication(ctx, topup_id, approve=approve)
    return await topup_answer(ctx, request, topup)


@router.post(
    "/v1/topups",
    status_code=201,
    response_model=TopupOut,
    responses={200: {"model": TopupOut, "description": "Replayed for the same key and body"}},
)
async def create_topup(
    ctx: ContextDep,
    payer: PayerDep,
    request: Request,
    response: Response,
    body: TopupBody,
    idempotency_key: IdempotencyKeyHeader = None,
) -> TopupOut:
    if idempotency_key is None:
        raise HttpProblem(
            400, "idempotency_key_required", "Send an Idempotency-Key header with each top-up."
        )
    if body.card_token is not None:
        refuse_a_new_card_when_page_only(ctx)
    wanted = topups.TopupRequest(
        body.amount, body.payment_method_id, body.card_token, body.save_card
    )
    topup, created = await topups.create_topup(
        ctx, payer.account_id, payer.user_id, idempotency_key, wanted
    )
    response.status_code = 201 if created else 200
    return await topup_answer(ctx, request, topup)


@router.get("/v1/topups", response_model=Page[TopupOut])
async def list_topups(
    ctx: ContextDep,
    caller: ReaderDep,
    request: Request,
    idempotency_key: Annotated[str | None, Query(max_length=255)] = None,
) -> Page[TopupOut]:
    rows = await topups.topups_by_key(ctx, caller.account_id, idempotency_key)
    return Page[TopupOut](data=[await topup_answer(ctx, request, row) for row in rows])


@router.get("/v1/topups/{topup_id}", response_model=TopupOut)
async def get_topup(
    ctx: ContextDep, caller: ReaderDep, request: Request, topup_id: str
) -> TopupOut:
    return await topup_answer(
        ctx, request, await topups.get_topup(ctx, caller.account_id, topup_id)
    )
