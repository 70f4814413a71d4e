"""Sign in and out, the signed-in user (`/v1/me`), and their sessions elsewhere."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel

from credits_server.api.deps import ContextDep, SelfDep, TokenDep, caller_actor, request_origin
from credits_server.audit import Actor, act_as
from credits_server.models import SessionToken
from credits_server.representations import user_out
from credits_server.schemas import LoginBody, Page, SessionOut, UserOut
from credits_server.services import auth, sessions

router = APIRouter(tags=["sessions"])


class SignedInOut(BaseModel):
    """Where a user is signed in. No token: only its holder knows it."""

    id: str
    created_at: datetime
    last_used_at: datetime | None
    client_address: str
    user_agent: str
    current: bool
    """The session this request came with."""


def _signed_in(row: SessionToken, current_id: str) -> SignedInOut:
    return SignedInOut(
        id=row.id,
        created_at=row.created_at,
        last_used_at=row.last_used_at,
        client_address=row.client_address,
        user_agent=row.user_agent,
        current=row.id == current_id,
    )


@router.post("/v1/sessions", status_code=201, response_model=SessionOut)
async def create_session(ctx: ContextDep, request: Request, body: LoginBody) -> SessionOut:
    client, agent = request_origin(request, ctx)
    act_as(Actor("user", label=body.email, address=client))
    new = await auth.login(ctx, body.email, body.password.get_secret_value(), client, agent)
    return SessionOut(token=new.token, expires_at=new.expires_at, user=user_out(new.user))


@router.delete("/v1/sessions/current", status_code=204)
async def delete_session(ctx: ContextDep, request: Request, token: TokenDep) -> Response:
    act_as(caller_actor(request, ctx, await auth.authenticate(ctx, token)))
    await auth.logout(ctx, token)
    return Response(status_code=204)


@router.get("/v1/me", response_model=UserOut)
async def me(caller: SelfDep) -> UserOut:
    """The signed-in user as the server knows them now: their role may have changed."""
    return UserOut.model_validate(
        {
            "id": caller.user_id,
            "email": caller.email,
            "role": caller.role,
            "account_id": caller.account_id,
        }
    )


@router.get("/v1/sessions", response_model=Page[SignedInOut])
async def list_sessions(ctx: ContextDep, caller: SelfDep) -> Page[SignedInOut]:
    rows = await sessions.list_sessions(ctx, caller)
    return Page(data=[_signed_in(row, caller.session_id) for row in rows])


@router.delete("/v1/sessions/{session_id}", status_code=204)
async def end_session(ctx: ContextDep, caller: SelfDep, session_id: str) -> Response:
    await sessions.end_session(ctx, caller, session_id)
    return Response(status_code=204)
