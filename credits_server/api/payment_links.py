"""Payment links: a short link to the secure payment page (the logic lives in
credits_server.services.payment_links; the page itself is the gateway's)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from credits_server.api.deps import ContextDep, IdempotencyKeyHeader, PayerDep, ReaderDep
from credits_server.api.problems import HttpProblem
from credits_server.context import Context
from credits_server.gateway.base import PaymentPages
from credits_server.models import PaymentLink, utcnow
from credits_server.representations import payment_link_out, topup_out
from credits_server.schemas import PaymentLinkBody, PaymentLinkOut
from credits_server.services import payment_links

router = APIRouter(tags=["payment links"])

# The services behind a gateway's payment page, handed to its routes by the app.
PAYMENT_PAGES = PaymentPages(
    view=payment_links.view, pay=payment_links.pay, confirm=payment_links.confirm
)


def link_url(ctx: Context, request: Request, token: str) -> str:
    base = ctx.settings.public_url or str(request.base_url)
    return f"{base.rstrip('/')}/pay/{token}"


async def link_answer(ctx: Context, link: PaymentLink, url: str | None) -> PaymentLinkOut:
    paid = await payment_links.paid_topup(ctx, link)
    return payment_link_out(link, topup_out(*paid) if paid else None, url, utcnow())


@router.post(
    "/v1/payment-links",
    status_code=201,
    response_model=PaymentLinkOut,
    responses={
        200: {
            "model": PaymentLinkOut,
            "description": "Replayed for the same key and body (an open link gets a new token)",
        }
    },
)
async def create_payment_link(
    ctx: ContextDep,
    owner: PayerDep,
    request: Request,
    response: Response,
    body: PaymentLinkBody,
    idempotency_key: IdempotencyKeyHeader = None,
) -> PaymentLinkOut:
    if idempotency_key is None:
        raise HttpProblem(
            400, "idempotency_key_required", "Send an Idempotency-Key header with each link."
        )
    made = await payment_links.create_link(
        ctx, owner.account_id, owner.user_id, idempotency_key, body.amount, body.save_card
    )
    response.status_code = 201 if made.created else 200
    url = link_url(ctx, request, made.token) if made.token else None
    return await link_answer(ctx, made.link, url)


@router.get("/v1/payment-links/{link_id}", response_model=PaymentLinkOut)
async def get_payment_link(ctx: ContextDep, caller: ReaderDep, link_id: str) -> PaymentLinkOut:
    return await link_answer(
        ctx, await payment_links.get_link(ctx, caller.account_id, link_id), None
    )
