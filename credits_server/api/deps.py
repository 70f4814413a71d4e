"""Dependencies: the service context, the signed-in caller, and the owner check."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

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


async def current_caller(request: Request, ctx: ContextDep, token: TokenDep) -> Caller:
    caller = await authenticate(ctx, token)
    request.state.account_id = caller.account_id  # for the request's log line
    return caller


CallerDep = Annotated[Caller, Depends(current_caller)]


async def current_owner(caller: CallerDep) -> Caller:
    if not caller.is_owner:
        raise forbidden()
    return caller


OwnerDep = Annotated[Caller, Depends(current_owner)]

# A client's key for one operation, so a retried request is applied once (top-ups, support).
IdempotencyKeyHeader = Annotated[
    str | None, Header(alias="Idempotency-Key", min_length=1, max_length=255)
]
