"""Sign in and sign out."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from credits_server.api.client_address import client_address, networks
from credits_server.api.deps import ContextDep, TokenDep
from credits_server.representations import user_out
from credits_server.schemas import LoginBody, SessionOut
from credits_server.services import auth

router = APIRouter(tags=["sessions"])


@router.post("/v1/sessions", status_code=201, response_model=SessionOut)
async def create_session(ctx: ContextDep, request: Request, body: LoginBody) -> SessionOut:
    client = client_address(request, networks(ctx.settings.trusted_proxies))
    new = await auth.login(ctx, body.email, body.password.get_secret_value(), client)
    return SessionOut(token=new.token, expires_at=new.expires_at, user=user_out(new.user))


@router.delete("/v1/sessions/current", status_code=204)
async def delete_session(ctx: ContextDep, token: TokenDep) -> Response:
    await auth.authenticate(ctx, token)
    await auth.logout(ctx, token)
    return Response(status_code=204)
