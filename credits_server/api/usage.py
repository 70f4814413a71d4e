"""POST /v1/usage: the telephony platform's usage records (an API key, not a user session)."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from fastapi.security.utils import get_authorization_scheme_param

from credits_server.api.problems import HttpProblem
from credits_server.context import Context
from credits_server.errors import Invalid
from credits_server.services.api_keys import authenticate_api_key
from credits_server.services.auth import unauthenticated
from credits_server.services.usage import (
    MAX_AMOUNT,
    MAX_BATCH,
    MAX_REFERENCE,
    apply_usage,
    parse_record,
)

router = APIRouter(tags=["usage"])


def bearer_token(authorization: str | None) -> str:
    """The token as deps.TokenDep takes it (HTTPBearer without auto_error), read directly: this
    is the busiest endpoint, and FastAPI solving its four dependencies per request cost about a
    tenth of a debit's CPU (py-spy at 8 clients)."""
    scheme, token = get_authorization_scheme_param(authorization)
    if not (scheme and token) or scheme.lower() != "bearer":
        raise unauthenticated()
    return token


_RECORD = {
    "type": "object",
    "required": ["account_id", "amount", "kind", "reference"],
    "properties": {
        "account_id": {"type": "string", "minLength": 1, "maxLength": 40},
        "amount": {"type": "integer", "minimum": 1, "maximum": MAX_AMOUNT},
        "kind": {"enum": ["call", "sms", "other"]},
        "reference": {"type": "string", "minLength": 1, "maxLength": MAX_REFERENCE},
    },
    "additionalProperties": False,
}
# In a batch each record is checked on its own and answered in `results` (refused or applied):
# anything is a record the batch takes (and refuses, alone, if it is not one).
_BATCH_ITEM = {"description": "A usage record, checked on its own"}
_BODY = {
    "required": True,
    "content": {
        "application/json": {
            "schema": {
                "oneOf": [
                    _RECORD,
                    {
                        "type": "object",
                        "required": ["records"],
                        "additionalProperties": False,
                        "properties": {
                            "records": {
                                "type": "array",
                                "items": _BATCH_ITEM,
                                "maxItems": MAX_BATCH,
                            }
                        },
                    },
                ]
            }
        }
    },
}


async def answer_usage(ctx: Context, authorization: str | None, body: bytes) -> tuple[int, Any]:
    """The status and JSON body of POST /v1/usage (a domain error or HttpProblem otherwise), for
    the route below and for the endpoint's own path in front of the stack (usage_path)."""
    await authenticate_api_key(ctx, bearer_token(authorization))
    try:
        sent = json.loads(body)
    except ValueError:
        raise Invalid("validation_error", "The body is not valid JSON.") from None
    if isinstance(sent, dict) and "records" in sent:
        raw = sent["records"]
        if not isinstance(raw, list) or set(sent) != {"records"}:
            raise Invalid("validation_error", "Send {records: [UsageRecord, ...]}.")
        if len(raw) > MAX_BATCH:
            raise HttpProblem(
                413, "payload_too_large", f"Send at most {MAX_BATCH} records in one request."
            )
        results = await apply_usage(ctx, [parse_record(item) for item in raw])
        return 200, {"results": [result.as_json() for result in results]}
    [result] = await apply_usage(ctx, [parse_record(sent)])
    if result.error is not None:
        raise result.error
    return 201 if result.status == "applied" else 200, result.as_json()


@router.post(
    "/v1/usage",
    # The bearer scheme deps.py declares for every other endpoint (checked in _bearer_token).
    openapi_extra={"requestBody": _BODY, "security": [{"HTTPBearer": []}]},
    responses={
        201: {"description": "A single record applied"},
        200: {"description": "A single record already applied (same reference), or a batch"},
        402: {"description": "insufficient_credits: nothing was debited"},
        413: {"description": "payload_too_large: more than 1,000 records"},
    },
)
async def post_usage(request: Request) -> JSONResponse:
    """Served by usage_path in front of the stack; this route is what the OpenAPI document
    describes, and answers when that path does not apply (a root path set)."""
    ctx: Context = request.app.state.context
    status, content = await answer_usage(
        ctx, request.headers.get("authorization"), await request.body()
    )
    return JSONResponse(content, status_code=status)
