"""The Stripe gateway's pages on the credits server: our stable link to a top-up's 3-D Secure
page (a redirect to Stripe's), and the page Stripe sends the customer back to afterwards, which
finishes the top-up from Stripe's answer (the webhook may have done so already)."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from credits_server.errors import not_found
from credits_server.gateway.stripe.gateway import AUTHENTICATION_PATH, RETURN_PATH, StripeGateway

if TYPE_CHECKING:
    from credits_server.gateway.base import FinishAuthentication


def make_router(finish: FinishAuthentication) -> APIRouter:
    router = APIRouter(tags=["stripe"])

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
