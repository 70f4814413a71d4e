"""The sandbox gateway's stand-in for the bank's 3-D Secure page (no auth, as a bank page).

What the credits server does once the customer has answered (finish the top-up, answer with it)
is handed in by the app (`FinishAuthentication`), as a real gateway tells the merchant: the
gateway's folder never imports the API or the services.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from credits_core.cards import card_label
from credits_core.money import format_money
from credits_server.errors import not_found
from credits_server.gateway.sandbox.gateway import AUTHENTICATION_PATH, TOKENIZATION_PATH
from credits_server.gateway.sandbox.tokenize import tokenize_card
from credits_server.models import Topup

if TYPE_CHECKING:
    from credits_server.context import Context
    from credits_server.gateway.base import FinishAuthentication


def _page(title: str, body: str) -> HTMLResponse:
    return HTMLResponse(
        "<!doctype html><html><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width'>"
        f"<title>{html.escape(title)}</title></head><body style='font-family:sans-serif'>"
        f"<h1>{html.escape(title)}</h1>{body}</body></html>"
    )


def make_router(finish: FinishAuthentication) -> APIRouter:
    router = APIRouter(tags=["sandbox"])
    router.add_api_route(
        TOKENIZATION_PATH, tokenize_card, methods=["POST"], include_in_schema=False
    )

    @router.get(AUTHENTICATION_PATH + "/{topup_id}", response_class=HTMLResponse)
    async def authentication_page(request: Request, topup_id: str) -> HTMLResponse:
        ctx: Context = request.app.state.context
        async with ctx.db.read() as session:
            topup = await session.get(Topup, topup_id)
        if topup is None:
            raise not_found("payment")
        if topup.status != "requires_action":
            status = html.escape(topup.status)
            return _page("Nothing to confirm", f"<p>This payment is {status}.</p>")
        amount = format_money(topup.amount, topup.currency)
        card = card_label(topup.card_brand, topup.card_last4)
        action = f"{AUTHENTICATION_PATH}/{html.escape(topup.id)}"
        return _page(
            "Confirm your payment",
            f"<p>Sandbox bank: confirm the payment of {html.escape(amount)} with "
            f"{html.escape(card)}.</p>"
            f"<form method='post' action='{action}?result=approve'><button>Approve</button></form>"
            f"<form method='post' action='{action}?result=decline'><button>Decline</button></form>",
        )

    @router.post(AUTHENTICATION_PATH + "/{topup_id}")
    async def authenticate(
        request: Request,
        topup_id: str,
        result: Annotated[Literal["approve", "decline"], Query()] = "approve",
    ) -> Response:
        topup = await finish(request, topup_id, result == "approve")
        if "text/html" in request.headers.get("accept", ""):
            words = {"succeeded": "Payment approved", "failed": "Payment declined"}
            title = words.get(topup.status, "Payment pending")
            return _page(title, "<p>You can return to the terminal.</p>")
        return JSONResponse(topup.model_dump(mode="json"))

    return router
