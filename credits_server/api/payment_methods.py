"""Saved cards: list (every role), add, remove and choose the default (roles that pay)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from credits_server.api.deps import ContextDep, PayerDep, ReaderDep
from credits_server.api.openapi import PROBLEM_REF
from credits_server.api.topups import refuse_a_new_card_when_page_only
from credits_server.representations import payment_method_out
from credits_server.schemas import Page, PaymentMethodOut, SaveCardBody
from credits_server.services import payment_methods

router = APIRouter(tags=["payment methods"])

_TOO_MANY_CARDS = {
    "description": "`too_many_attempts`: the account tried too many cards lately (card testing)",
    "content": {"application/problem+json": {"schema": PROBLEM_REF}},
    "headers": {
        "Retry-After": {
            "description": "Seconds until the account may try a card again",
            "schema": {"type": "integer"},
        }
    },
}


@router.get("/v1/payment-methods", response_model=Page[PaymentMethodOut])
async def list_methods(ctx: ContextDep, caller: ReaderDep) -> Page[PaymentMethodOut]:
    methods = await payment_methods.list_methods(ctx, caller.account_id)
    return Page[PaymentMethodOut](data=[payment_method_out(m) for m in methods])


@router.post(
    "/v1/payment-methods",
    status_code=201,
    response_model=PaymentMethodOut,
    responses={429: _TOO_MANY_CARDS},
)
async def add_method(ctx: ContextDep, payer: PayerDep, body: SaveCardBody) -> PaymentMethodOut:
    # The card was typed into the app and tokenized at the gateway; this is its token there.
    refuse_a_new_card_when_page_only(ctx)
    saved = await payment_methods.add_method(ctx, payer.account_id, body.card_token, body.name)
    return payment_method_out(saved)


@router.delete("/v1/payment-methods/{method_id}", status_code=204)
async def delete_method(ctx: ContextDep, payer: PayerDep, method_id: str) -> Response:
    await payment_methods.delete_method(ctx, payer.account_id, method_id)
    return Response(status_code=204)


@router.post("/v1/payment-methods/{method_id}/default", response_model=PaymentMethodOut)
async def set_default(ctx: ContextDep, payer: PayerDep, method_id: str) -> PaymentMethodOut:
    return payment_method_out(await payment_methods.set_default(ctx, payer.account_id, method_id))
