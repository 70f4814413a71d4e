"""SSH keys: a signed-in user's own (list, add, remove), and the SSH gateway's questions (which
user owns a key, and a session for them), asked with an API key of scope "ssh"."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response

from credits_server.api.deps import ContextDep, SelfDep, TokenDep
from credits_server.context import Context
from credits_server.representations import ssh_key_out, user_out
from credits_server.schemas import KnownKeyOut, Page, SessionOut, SshKeyBody, SshKeyOut
from credits_server.services import ssh_keys
from credits_server.services.api_keys import authenticate_api_key

router = APIRouter(tags=["ssh keys"])


async def _gateway(ctx: ContextDep, token: TokenDep) -> Context:
    await authenticate_api_key(ctx, token, scope="ssh")
    return ctx


GatewayDep = Annotated[Context, Depends(_gateway)]


@router.get("/v1/ssh-keys", response_model=Page[SshKeyOut])
async def list_keys(ctx: ContextDep, caller: SelfDep) -> Page[SshKeyOut]:
    return Page(data=[ssh_key_out(row) for row in await ssh_keys.list_keys(ctx, caller.user_id)])


@router.post("/v1/ssh-keys", status_code=201, response_model=SshKeyOut)
async def add_key(ctx: ContextDep, caller: SelfDep, body: SshKeyBody) -> SshKeyOut:
    return ssh_key_out(await ssh_keys.add_key(ctx, caller.user_id, body.public_key))


@router.delete("/v1/ssh-keys/{key_id}", status_code=204)
async def remove_key(ctx: ContextDep, caller: SelfDep, key_id: str) -> Response:
    await ssh_keys.remove_key(ctx, caller, key_id)
    return Response(status_code=204)


@router.post("/v1/ssh-gateway/known-keys", response_model=KnownKeyOut)
async def known_key(ctx: GatewayDep, body: SshKeyBody) -> KnownKeyOut:
    return KnownKeyOut(known=await ssh_keys.has_key(ctx, body.public_key))


@router.post("/v1/ssh-gateway/sessions", status_code=201, response_model=SessionOut)
async def session_for_key(ctx: GatewayDep, body: SshKeyBody) -> SessionOut:
    new = await ssh_keys.session_for_key(ctx, body.public_key)
    return SessionOut(token=new.token, expires_at=new.expires_at, user=user_out(new.user))
