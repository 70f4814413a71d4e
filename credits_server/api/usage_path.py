"""POST /v1/usage served in front of the FastAPI stack, answering exactly as the stack would.

The telephony platform's metering is the busiest request by far, and the stack's layers
(Starlette's error middleware, FastAPI's, the request log, the body limit, the card-data guard,
the exception middleware, the routing, the request object) cost more CPU than the debit itself
(bench/FINDINGS.md section 4). This path does for this one request what those layers do, in one
function, with the same pieces: the request's id and log line (credits_server.logging), the body
limit (body_limit), the card-data guard (card_guard), the route's own work (usage.answer_usage)
and the problem documents (problems, database_errors). Any other request, and this one when the
app is served under a root path, goes through the stack unchanged.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from sqlalchemy.exc import DBAPIError
from starlette.requests import ClientDisconnect
from starlette.responses import Response
from starlette.types import Message, Receive, Scope, Send

from credits_server.api.body_limit import TOO_LARGE
from credits_server.api.card_guard import REFUSED, carries_card
from credits_server.api.database_errors import database_problem
from credits_server.api.problems import HttpProblem, answer_for, problem_response
from credits_server.api.usage import answer_usage
from credits_server.context import Context
from credits_server.errors import DomainError
from credits_server.logging import (
    LOGGER_NAME,
    current_request_id,
    log_request,
    request_id_for,
    send_internal_error,
)

PATH = "/v1/usage"


def serves(scope: Scope) -> bool:
    """Whether this path answers the request (else the stack does)."""
    return (
        scope["type"] == "http"
        and scope["path"] == PATH
        and scope["method"] == "POST"
        and not scope.get("root_path")
    )


class UsagePath:
    def __init__(self, *, max_bytes: int, log_requests: bool) -> None:
        self.max_bytes = max_bytes
        self.log_requests = log_requests

    async def __call__(self, context: Context, scope: Scope, receive: Receive, send: Send) -> None:
        # As RequestLogMiddleware: the caller's id (the last header, as a dict of them keeps),
        # the first Authorization (as Starlette's headers.get), the declared length.
        incoming = b""
        authorization: bytes | None = None
        declared: bytes | None = None
        for name, value in scope["headers"]:
            if name == b"x-request-id":
                incoming = value
            elif name == b"authorization":
                if authorization is None:
                    authorization = value
            elif name == b"content-length":
                declared = value
        request_id = request_id_for(incoming)
        scope.setdefault("state", {})["request_id"] = request_id
        token = current_request_id.set(request_id)
        started = time.perf_counter()
        status = 500
        response_started = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                response_started = True
                status = message["status"]
                headers = [(k, v) for k, v in message.get("headers", []) if k != b"x-request-id"]
                headers.append((b"x-request-id", request_id.encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            answer = await self._answer(context, scope, receive, authorization, declared)
            if isinstance(answer, Response):
                await answer(scope, receive, send_with_id)
            else:
                code, body = answer
                await send_with_id(
                    {
                        "type": "http.response.start",
                        "status": code,
                        "headers": [
                            (b"content-length", str(len(body)).encode()),
                            (b"content-type", b"application/json"),
                        ],
                    }
                )
                await send_with_id({"type": "http.response.body", "body": body})
        except Exception as exc:
            logging.getLogger(LOGGER_NAME).error(
                "unhandled_error",
                exc_info=exc,
                extra={"fields": {"request_id": request_id, "path": scope.get("path")}},
            )
            if response_started:
                raise
            await send_internal_error(send_with_id, request_id)
        finally:
            current_request_id.reset(token)
            if self.log_requests:
                log_request(request_id, scope, status, started, None)

    async def _answer(
        self,
        context: Context,
        scope: Scope,
        receive: Receive,
        authorization: bytes | None,
        declared: bytes | None,
    ) -> Response | tuple[int, bytes]:
        # As BodyLimitMiddleware, then CardGuardMiddleware.
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            if declared.isdigit():
                return problem_response(None, 413, "payload_too_large", TOO_LARGE)
            return problem_response(
                None, 400, "bad_request", "The Content-Length header is not valid."
            )
        if carries_card(scope.get("query_string") or b""):
            return problem_response(None, 422, "card_data_refused", REFUSED)
        body = await self._body(receive)
        if body is None:
            return problem_response(None, 413, "payload_too_large", TOO_LARGE)
        if carries_card(body):
            return problem_response(None, 422, "card_data_refused", REFUSED)
        # As the route and the exception handlers (problems, database_errors).
        try:
            header = None if authorization is None else authorization.decode("latin-1")
            code, content = await answer_usage(context, header, body)
        except DomainError as error:
            row = answer_for(error)
            return problem_response(
                None, row.status, error.code, error.detail, error.errors, row.headers(error)
            )
        except HttpProblem as problem:
            return problem_response(
                None, problem.status, problem.code, problem.detail, headers=problem.headers
            )
        except DBAPIError as error:
            return database_problem(error, PATH)
        return code, _render(content)

    async def _body(self, receive: Receive) -> bytes | None:
        """The whole body, or None once it passes the limit."""
        chunks: list[bytes] = []
        received = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                raise ClientDisconnect()  # as Starlette's Request.body() meets it
            chunk = message.get("body", b"")
            received += len(chunk)
            if received > self.max_bytes:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def _render(content: Any) -> bytes:
    """As JSONResponse renders it."""
    return json.dumps(
        content, ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":")
    ).encode("utf-8")
