"""POST /v1/webhooks/stripe: the gateway's own news (signed by it; no session). A delivery whose
signature does not check answers 400 and changes nothing; any other is acknowledged with 200
once acted on (services/webhooks.py), so the gateway stops retrying it."""

from __future__ import annotations

from fastapi import APIRouter, Request

from credits_server.api.deps import ContextDep
from credits_server.api.problems import HttpProblem
from credits_server.gateway.events import BadSignature
from credits_server.services import webhooks

router = APIRouter(tags=["webhooks"])


@router.post("/v1/webhooks/stripe", responses={400: {"description": "`bad_signature`"}})
async def stripe_webhook(ctx: ContextDep, request: Request) -> dict[str, bool]:
    payload = await request.body()
    try:
        event = await ctx.gateway.webhook_event(payload, request.headers.get("stripe-signature"))
    except BadSignature:
        raise HttpProblem(400, "bad_signature", "The webhook signature is not valid.") from None
    await webhooks.handle(ctx, event)
    return {"received": True}
