"""The Stripe gateway's pages on the credits server: our stable link to a top-up's 3-D Secure
page (a redirect to Stripe's), and the page Stripe sends the customer back to afterwards, which
finishes the top-up from Stripe's answer (the webhook may have done so already); a payment
link's page (a redirect to its Checkout Session, settled by the `checkout.session.completed`
webhook), and the page Checkout sends the customer to once paid."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from credits_server.errors import Gone, NotFound, not_found
from credits_server.gateway.pages import gone_page, message_page, missing_page
from credits_server.gateway.stripe.gateway import (
    AUTHENTICATION_PATH,
    CHECKOUT_CANCELLED_PATH,
    CHECKOUT_DONE_PATH,
    RETURN_PATH,
    StripeGateway,
)

if TYPE_CHECKING:
    from credits_server.gateway.base import ServerHooks


def make_router(hooks: ServerHooks) -> APIRouter:
    router = APIRouter(tags=["stripe"])
    finish = hooks.finish_authentication

    @router.get("/pay/{token}", include_in_schema=False)
    async def to_checkout(request: Request, token: str) -> Response:
        ctx = request.app.state.context
        try:
            view = await hooks.payment_pages.view(ctx, token)
        except Gone as error:
            return gone_page(error.code)
        except NotFound:
            return missing_page()
        gateway = ctx.gateway
        assert isinstance(gateway, StripeGateway)
        base = ctx.settings.public_url or str(request.base_url)
        url = await gateway.checkout_url(view, token, base)
        return RedirectResponse(url, status_code=303, headers={"Referrer-Policy": "no-referrer"})

    @router.get(CHECKOUT_CANCELLED_PATH, include_in_schema=False)
    async def checkout_cancelled() -> Response:
        return message_page(
            "Payment not made",
            "Nothing was charged. Open the payment link again to pay, while it is valid.",
            200,
        )

    @router.get(CHECKOUT_DONE_PATH, include_in_schema=False)
    async def checkout_done() -> Response:
        return message_page(
            "Payment received",
            "Thank you. You can close this page: the terminal shows the new balance.",
            200,
        )

    @router.get(AUTHENTICATION_PATH + "/{topup_id}")
    async def to_stripe(request: Request, topup_id: str) -> RedirectResponse:
        gateway = request.app.state.context.gateway
        assert isinstance(gateway, StripeGateway)
        url = await gateway.action_url(topup_id)
        if url is None:
            raise not_found("payment")
        return RedirectResponse(url, status_code=303)

    @router.get(RETURN_PATH + "/{topup_id}", response_class=HTMLResponse)
    async def returned(request: Request, topup_id: str) -> HTMLResponse:
        topup = await finish(request, topup_id, True)
        words = {"succeeded": "Payment approved", "failed": "Payment declined"}
        title = html.escape(words.get(topup.status, "Payment pending"))
        return HTMLResponse(
            f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title></head>"
            f"<body><h1>{title}</h1><p>You can return to the terminal.</p></body></html>"
        )

    return router
