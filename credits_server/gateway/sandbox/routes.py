"""The sandbox gateway's stand-in for the bank's 3-D Secure page (no auth, as a bank page)."""

from __future__ import annotations

import html
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from credits_core.cards import card_label
from credits_core.money import format_money
from credits_server.api.deps import ContextDep
from credits_server.api.topups import topup_answer
from credits_server.errors import not_found
from credits_server.gateway.sandbox.gateway import AUTHENTICATION_PATH
from credits_server.models import Topup
from credits_server.services import topups

router = APIRouter(tags=["sandbox"])


def _page(title: str, body: str) -> HTMLResponse:
    return HTMLResponse(
        "<!doctype html><html><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width'>"
        f"<title>{html.escape(title)}</title></head><body style='font-family:sans-serif'>"
        f"<h1>{html.escape(title)}</h1>{body}</body></html>"
    )


@router.get(AUTHENTICATION_PATH + "/{topup_id}", response_class=HTMLResponse)
async def authentication_page(ctx: ContextDep, topup_id: str) -> HTMLResponse:
    async with ctx.db.read() as session:
        topup = await session.get(Topup, topup_id)
    if topup is None:
        raise not_found("payment")
    if topup.status != "requires_action":
        return _page("Nothing to confirm", f"<p>This payment is {html.escape(topup.status)}.</p>")
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
    ctx: ContextDep,
    request: Request,
    topup_id: str,
    result: Annotated[Literal["approve", "decline"], Query()] = "approve",
) -> Response:
    topup = await topups.complete_authentication(ctx, topup_id, approve=result == "approve")
    if "text/html" in request.headers.get("accept", ""):
        words = {"succeeded": "Payment approved", "failed": "Payment declined"}
        title = words.get(topup.status, "Payment pending")
        return _page(title, "<p>You can return to the terminal.</p>")
    body = await topup_answer(ctx, request, topup)
    return JSONResponse(body.model_dump(mode="json"))
