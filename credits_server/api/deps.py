"""Dependencies: the service context, the signed-in caller, and what their role allows.

Every route a session may call names its permission with `Allowed(...)`, the one place the role
table (credits_core.roles) is applied to requests.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from credits_core.roles import Permission, refusal
from credits_server.api.client_address import client_address, networks
from credits_server.audit import Actor, act_as
from credits_server.context import Caller, Context
from credits_server.errors import forbidden
from credits_server.services.auth import authenticate, unauthenticated

_bearer = HTTPBearer(auto_error=False, description="A session token from POST /v1/sessions")


# The dependencies are `async def` though they do not wait: FastAPI runs a plain `def` dependency
# in its thread pool, two thread hops per request for nothing.


async def get_context(request: Request) -> Context:
    context: Context = request.app.state.context
    return context


ContextDep = Annotated[Context, Depends(get_context)]
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


async def bearer_token(credentials: Credentials) -> str:
    if credentials is None:
        raise unauthenticated()
    return credentials.credentials


TokenDep = Annotated[str, Depends(bearer_token)]


def request_origin(request: Request, ctx: Context) -> tuple[str, str]:
    """The client's address (behind trusted proxies, the one they name) and user agent."""
    address = client_address(request, networks(ctx.settings.trusted_proxies))
    return address, request.headers.get("user-agent", "")[:200]


async def current_caller(request: Request, ctx: ContextDep, token: TokenDep) -> Caller:
    caller = await authenticate(ctx, token, *request_origin(request, ctx))
    request.state.account_id = caller.account_id  # for the request's log line
    act_as(caller_actor(request, ctx, caller))
    return caller


def caller_actor(request: Request, ctx: Context, caller: Caller) -> Actor:
    """The signed-in user as the audit trail names them, with the address they came from."""
    address, _agent = request_origin(request, ctx)
    return Actor("user", caller.user_id, caller.email, address, caller.account_id)


class Allowed:
    """The signed-in caller, refused with 403 unless their role has `permission`."""

    def __init__(self, permission: Permission) -> None:
        self.permission = permission

    async def __call__(self, caller: Annotated[Caller, Depends(current_caller)]) -> Caller:
        if not caller.may(self.permission):
            raise forbidden(refusal(caller.role, self.permission))
        return caller


ReaderDep = Annotated[Caller, Depends(Allowed(Permission.READ))]
PayerDep = Annotated[Caller, Depends(Allowed(Permission.PAY))]
RechargerDep = Annotated[Caller, Depends(Allowed(Permission.AUTO_RECHARGE))]
SupportDep = Annotated[Caller, Depends(Allowed(Permission.SUPPORT))]
NotifierDep = Annotated[Caller, Depends(Allowed(Permission.NOTIFICATIONS))]
TeamDep = Annotated[Caller, Depends(Allowed(Permission.TEAM))]
SelfDep = Annotated[Caller, Depends(Allowed(Permission.SELF))]

# A client's key for one operation, so a retried request is applied once (top-ups, support).
IdempotencyKeyHeader = Annotated[
    str | None, Header(alias="Idempotency-Key", min_length=1, max_length=255)
]
