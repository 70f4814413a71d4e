"""The account's audit trail, and redeeming a password reset code an operator gave out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from credits_server.api.client_address import client_address, networks
from credits_server.api.deps import ContextDep, TeamDep
from credits_server.audit import Actor, act_as
from credits_server.representations import activity_out
from credits_server.schemas import ActivityOut, Page, PasswordResetBody
from credits_server.services.activity import list_activity
from credits_server.services.password_resets import redeem_code

router = APIRouter(tags=["activity"])


@router.get("/v1/account/activity", response_model=Page[ActivityOut])
async def activity(
    ctx: ContextDep,
    caller: TeamDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    kind: Annotated[str | None, Query(max_length=60, pattern=r"^[a-z_.]+$")] = None,
) -> Page[ActivityOut]:
    """Newest first; `kind` keeps the actions that start with it (card, topup, user.updated)."""
    rows, next_cursor = await list_activity(
        ctx, caller.account_id, limit=limit, cursor=cursor, kind=kind
    )
    return Page[ActivityOut](data=[activity_out(row) for row in rows], next_cursor=next_cursor)


@router.post("/v1/password-resets/redeem", status_code=204)
async def redeem(ctx: ContextDep, request: Request, body: PasswordResetBody) -> Response:
    """Set a new password with a reset code; the user's sessions end. Sign in afterwards."""
    client = client_address(request, networks(ctx.settings.trusted_proxies))
    act_as(Actor("user", label=body.email, address=client))
    await redeem_code(ctx, body.code, body.email, body.password.get_secret_value(), client)
    return Response(status_code=204)
