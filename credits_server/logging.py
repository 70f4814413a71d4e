"""One JSON line per request, carrying its request id. Never a body, header or query string:
that is how a password, token, card number or CVC stays out of the log."""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from credits_server.settings import Settings

LOGGER_NAME = "credits_server"
current_request_id: ContextVar[str | None] = ContextVar("current_request_id", default=None)
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
# Payment gateway secrets (Stripe's secret, restricted and webhook signing keys), wherever they
# would appear in a line: only their kind is written.
_GATEWAY_SECRET = re.compile(r"\b(sk|rk|whsec)_[A-Za-z0-9_]+")
# A payment link's token, in the path of its page: the link pays whoever holds it.
_PAYMENT_LINK = re.compile(r"(/pay/)[A-Za-z0-9]+")


def redact(text: str) -> str:
    # Substring tests first: on a line with neither (nearly every line) the two searches cost
    # ~6 us, a fifth of a request's log line (bench/FINDINGS.md section 4).
    if "sk_" in text or "rk_" in text or "whsec_" in text:
        text = _GATEWAY_SECRET.sub(r"\1_[redacted]", text)
    if "/pay/" in text:
        text = _PAYMENT_LINK.sub(r"\1[redacted]", text)
    return text


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "event": record.getMessage(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            line.update(fields)
        if record.exc_info and record.exc_info[0] is not None:
            # The type only: exception messages can carry values we never want written down.
            line["error"] = record.exc_info[0].__name__
        return redact(json.dumps(line, default=str))


def configure_logging(settings: Settings) -> logging.Logger:
    logger = logging.getLogger(LOGGER_NAME)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
        handler.close()
    output: logging.Handler = (
        logging.FileHandler(settings.log_file, encoding="utf-8")
        if settings.log_file
        else logging.StreamHandler(sys.stderr)
    )
    output.setFormatter(JsonFormatter())
    logger.addHandler(output)
    return logger


_logger = logging.getLogger(LOGGER_NAME)


def log(event: str, **fields: Any) -> None:
    """`logger.info(event)` with these fields, minus the caller lookup (a walk up the stack for
    file and line, which the JSON line never shows): this runs once per request."""
    if _logger.isEnabledFor(logging.INFO):
        record = _logger.makeRecord(
            LOGGER_NAME, logging.INFO, "", 0, event, (), None, extra={"fields": fields}
        )
        _logger.handle(record)


def request_id_for(incoming: bytes) -> str:
    """The caller's X-Request-ID if it is sane, else a new one."""
    text = incoming.decode("latin-1")
    return text if _SAFE_REQUEST_ID.match(text) else uuid.uuid4().hex


def log_request(
    request_id: str, scope: Scope, status: int, started: float, account_id: Any
) -> None:
    """The request's line (`started`: its time.perf_counter() on arrival)."""
    log(
        "request",
        request_id=request_id,
        method=scope.get("method"),
        path=scope.get("path"),
        status=status,
        duration_ms=round((time.perf_counter() - started) * 1000, 1),
        account_id=account_id,
    )


class RequestLogMiddleware:
    """Gives every request an X-Request-ID (the caller's if sane) and logs one line for it."""

    def __init__(self, app: ASGIApp, *, enabled: bool = True) -> None:
        self.app = app
        self.enabled = enabled

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_for(dict(scope.get("headers") or []).get(b"x-request-id", b""))
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        token = current_request_id.set(request_id)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [(k, v) for k, v in message.get("headers", []) if k != b"x-request-id"]
                headers.append((b"x-request-id", request_id.encode()))
                message = {**message, "headers": headers}
            await send(message)

        started_response = False

        async def send_tracked(message: Message) -> None:
            nonlocal started_response
            started_response = started_response or message["type"] == "http.response.start"
            await send_with_id(message)

        try:
            await self.app(scope, receive, send_tracked)
        except Exception as exc:
            logging.getLogger(LOGGER_NAME).error(
                "unhandled_error",
                exc_info=exc,
                extra={"fields": {"request_id": request_id, "path": scope.get("path")}},
            )
            if started_response:
                raise
            await send_internal_error(send_with_id, request_id)
        finally:
            current_request_id.reset(token)
            if self.enabled:
                log_request(request_id, scope, status, started, state.get("account_id"))


async def send_internal_error(send: Send, request_id: str) -> None:
    body = json.dumps(
        {
            "type": "/problems/internal_error",
            "title": "Internal Server Error",
            "status": 500,
            "detail": "Something went wrong on the server. Try again.",
            "code": "internal_error",
            "errors": [],
            "request_id": request_id,
        }
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 500,
            "headers": [
                (b"content-type", b"application/problem+json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
