"""RFC 9457 problem documents for every error, with a stable `code` and per-field `errors`.

The services' domain errors carry no HTTP: `ANSWERS` below is the one table of the status and
headers each kind of domain error is answered with.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from credits_server.api.openapi import install_problem_openapi
from credits_server.errors import (
    BadCredentials,
    Conflict,
    Declined,
    DomainError,
    FieldProblem,
    Forbidden,
    Gone,
    Invalid,
    KeyInUse,
    NotFound,
    NotReady,
    PreconditionFailed,
    PreconditionRequired,
    RateLimited,
    Unauthenticated,
)
from credits_server.logging import LOGGER_NAME, current_request_id

PROBLEM_JSON = "application/problem+json"

_STATUS_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
}


def _retry_after(error: DomainError) -> dict[str, str]:
    assert isinstance(error, RateLimited | KeyInUse)
    return {"Retry-After": str(error.retry_after)}


def _bearer_challenge(_: DomainError) -> dict[str, str]:
    return {"WWW-Authenticate": 'Bearer realm="credits"'}


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    headers: Callable[[DomainError], dict[str, str]] = lambda _: {}


ANSWERS: dict[type[DomainError], Answer] = {
    Invalid: Answer(422),
    NotFound: Answer(404),
    Forbidden: Answer(403),
    Conflict: Answer(409),
    KeyInUse: Answer(409, _retry_after),
    Unauthenticated: Answer(401, _bearer_challenge),
    BadCredentials: Answer(401),
    RateLimited: Answer(429, _retry_after),
    Declined: Answer(402),
    NotReady: Answer(503),
    Gone: Answer(410),
    PreconditionRequired: Answer(428),
    PreconditionFailed: Answer(412),
}


def answer_for(error: DomainError) -> Answer:
    """The row of the error's kind (its nearest class in `ANSWERS`)."""
    for kind in type(error).__mro__:
        if kind in ANSWERS:
            return ANSWERS[kind]
    raise LookupError(f"no HTTP answer for {type(error).__name__}")


@dataclass
class HttpProblem(Exception):
    """A refusal the API itself makes about the HTTP request (a missing header, more records than
    one request may carry), before any service is asked."""

    status: int
    code: str
    detail: str
    headers: dict[str, str] = field(default_factory=dict)


def problem_response(
    request: Request | None,
    status: int,
    code: str,
    detail: str,
    errors: list[FieldProblem] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    request_id = current_request_id.get()
    if request is not None:
        request_id = getattr(request.state, "request_id", request_id)
    body: dict[str, Any] = {
        "type": f"/problems/{code}",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "code": code,
        "errors": [{"field": e.field, "code": e.code, "message": e.message} for e in errors or []],
        "request_id": request_id,
    }
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_JSON)


def _field_of(location: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(part) for part in location]
    if parts and parts[0] in ("body", "query", "path", "header"):
        parts = parts[1:]
    return ".".join(parts) or "body"


def _validation_problems(exc: RequestValidationError) -> list[FieldProblem]:
    # Only location, type and message: the rejected input (maybe a card number) is not echoed.
    problems = []
    for error in exc.errors():
        code = str(error.get("type", "invalid"))
        message = str(error.get("msg", "Not valid."))
        if code == "missing":
            message = "This field is required."
        elif code == "json_invalid":
            code = "invalid_json"
        problems.append(FieldProblem(_field_of(error.get("loc", ())), code, message))
    return problems


def install_problem_handlers(app: FastAPI) -> None:
    async def on_domain_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, DomainError)
        answer = answer_for(exc)
        return problem_response(
            request, answer.status, exc.code, exc.detail, exc.errors, answer.headers(exc)
        )

    async def on_http_problem(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, HttpProblem)
        return problem_response(request, exc.status, exc.code, exc.detail, headers=exc.headers)

    async def on_validation(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        return problem_response(
            request,
            422,
            "validation_error",
            "Some fields are not valid.",
            _validation_problems(exc),
        )

    async def on_http(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        code = _STATUS_CODES.get(exc.status_code, "error")
        detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
        return problem_response(request, exc.status_code, code, detail, headers=exc.headers)

    async def on_crash(request: Request, exc: Exception) -> JSONResponse:
        logging.getLogger(LOGGER_NAME).error(
            "unhandled_error",
            exc_info=exc,
            extra={"fields": {"request_id": current_request_id.get(), "path": request.url.path}},
        )
        return problem_response(
            request, 500, "internal_error", "Something went wrong on the server. Try again."
        )

    # The served OpenAPI document describes these problem documents too (built lazily).
    install_problem_openapi(app)
    app.add_exception_handler(DomainError, on_domain_error)
    app.add_exception_handler(HttpProblem, on_http_problem)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(Exception, on_crash)
