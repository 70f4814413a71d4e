"""POST /v1/usage: the telephony platform's usage records (an API key, not a user session)."""

from __future__ import annotations

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


def _bearer_token(request: Request) -> str:
    """The token as deps.TokenDep takes it (HTTPBearer without auto_error), read directly: this
    is the busiest endpoint, and FastAPI solving its four dependencies per request cost about a
    tenth of a debit's CPU (py-spy at 8 clients)."""
    scheme, token = get_authorization_scheme_param(request.headers.get("authorization"))
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


async def _json_body(request: Request) -> Any:
    try:
        return await request.json()
    except ValueError:
        raise Invalid("validation_error", "The body is not valid JSON.") from None


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
    ctx: Context = request.app.state.context
    await authenticate_api_key(ctx, _bearer_token(request))
    body = await _json_body(request)
    if isinstance(body, dict) and "records" in body:
        raw = body["records"]
        if not isinstance(raw, list) or set(body) != {"records"}:
            raise Invalid("validation_error", "Send {records: [UsageRecord, ...]}.")
        if len(raw) > MAX_BATCH:
            raise HttpProblem(
                413, "payload_too_large", f"Send at most {MAX_BATCH} records in one request."
            )
        results = await apply_usage(ctx, [parse_record(item) for item in raw])
        return JSONResponse({"results": [result.as_json() for result in results]})
    [result] = await apply_usage(ctx, [parse_record(body)])
    if result.error is not None:
        raise result.error
    return JSONResponse(result.as_json(), status_code=201 if result.status == "applied" else 200)
