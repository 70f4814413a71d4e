"""Sending requests with retries (stamina) and turning problem+json answers into typed errors."""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
import stamina

from credits_client.api.errors import (
    ApiError,
    Conflict,
    InvalidCredentials,
    RateLimited,
    ServerUnreachable,
    SessionExpired,
)
from credits_client.api.models import FieldError, Problem

log = logging.getLogger("credits_client.api")

# Answers that mean "not processed, try again": retried with backoff (or after Retry-After).
_GATEWAY_STATUSES = frozenset({502, 503, 504})
# A card number that a misbehaving server or proxy echoes back never reaches a screen or a log.
_LONG_DIGITS = re.compile(r"\d(?:[ -]?\d){11,18}")


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How hard to try before giving up; tests shorten the waits."""

    attempts: int = 4
    total_timeout: float = 30.0
    wait_initial: float = 0.2
    wait_max: float = 5.0
    wait_jitter: float = 0.5
    max_retry_after: float = 30.0
    """A Retry-After longer than this is not waited out: the error goes to the person instead."""
    max_rate_limit_wait: float = 5.0
    """A 429 is waited out only when this short; a longer one raises RateLimited at once."""


class _RetryableAnswer(Exception):
    """An answer that asks to be retried (5xx gateway, short 429); carries the response."""

    def __init__(self, response: httpx.Response, wait: float | None) -> None:
        super().__init__(f"HTTP {response.status_code}")
        self.response = response
        self.wait = wait


def retry_after_seconds(response: httpx.Response) -> float | None:
    """Retry-After as seconds (delta-seconds or an HTTP date), or None when absent or unreadable."""
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


async def send_with_retries(
    http: httpx.AsyncClient,
    request: httpx.Request,
    *,
    idempotent: bool,
    policy: RetryPolicy,
    stream: bool = False,
) -> httpx.Response:
    """Send `request`, retrying what is safe to retry; raise ServerUnreachable when all fail.

    Connection failures (nothing reached the server) and 503 are retried for every request.
    Timeouts and dropped answers are retried only for idempotent requests (GET, DELETE, PUT with
    If-Match, POST with an Idempotency-Key): the server may have acted on the first one.
    """

    def should_retry(error: Exception) -> bool | float:
        if isinstance(error, _RetryableAnswer):
            return error.wait if error.wait is not None else True
        if isinstance(error, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout):
            return True
        return isinstance(error, httpx.TransportError) and idempotent

    try:
        async for attempt in stamina.retry_context(
            on=should_retry,
            attempts=policy.attempts,
            timeout=policy.total_timeout,
            wait_initial=policy.wait_initial,
            wait_max=policy.wait_max,
            wait_jitter=policy.wait_jitter,
        ):
            with attempt:
                response = await http.send(request, stream=stream)
                if _should_retry_answer(response, idempotent=idempotent, policy=policy):
                    await response.aread()  # frees the connection of a streamed answer
                    log.info(
                        "retrying %s %s after HTTP %s",
                        request.method,
                        request.url.path,
                        response.status_code,
                    )
                    raise _RetryableAnswer(response, retry_after_seconds(response))
                return response
    except _RetryableAnswer as exhausted:
        return exhausted.response
    except httpx.TransportError as error:
        raise ServerUnreachable(_unreachable_message(error, request)) from error
    raise AssertionError("unreachable: stamina re-raises the last error")


def _should_retry_answer(
    response: httpx.Response, *, idempotent: bool, policy: RetryPolicy
) -> bool:
    status = response.status_code
    wait = retry_after_seconds(response)
    if status == 503 or (status in _GATEWAY_STATUSES and idempotent):
        return wait is None or wait <= policy.max_retry_after
    if status == 429 and idempotent:
        return wait is not None and wait <= policy.max_rate_limit_wait
    if status == 409 and wait is not None and "Idempotency-Key" in response.request.headers:
        # Another try of the same key is still being decided (on another server process, or past
        # the server's wait): its outcome is what this try answers, once it is known.
        return wait <= policy.max_retry_after
    return False


def _unreachable_message(error: httpx.TransportError, request: httpx.Request) -> str:
    where = f"{request.url.scheme}://{request.url.netloc.decode('ascii', 'replace')}"
    if isinstance(error, httpx.TimeoutException):
        return f"The credits server at {where} did not answer in time."
    if isinstance(error, httpx.ConnectError):
        return f"The credits server at {where} cannot be reached."
    return f"The connection to the credits server at {where} was lost."


def raise_for_problem(response: httpx.Response) -> None:
    """Raise the typed error for a non-2xx answer (its body must have been read)."""
    if response.is_success:
        return
    problem = parse_problem(response)
    status = response.status_code
    if status == 401:
        if problem.code == "invalid_credentials":
            raise InvalidCredentials(problem)
        raise SessionExpired(problem)
    if status == 429:
        raise RateLimited(problem, retry_after_seconds(response) or 1.0)
    if status == 412:
        raise Conflict(problem)
    if status in _GATEWAY_STATUSES:
        raise ServerUnreachable(
            problem.detail or "The credits server is unavailable; try again in a moment."
        )
    raise ApiError(problem)


def parse_problem(response: httpx.Response) -> Problem:
    """The problem document of an error answer, or one made up from the status for other bodies."""
    body: Any = None
    try:
        body = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        body = None
    status = response.status_code
    fallback = {
        "status": status,
        "title": response.reason_phrase or f"HTTP {status}",
        "code": f"http_{status}",
        "request_id": response.headers.get("X-Request-ID"),
    }
    if not isinstance(body, dict):
        return Problem.model_validate(fallback)
    try:
        problem = Problem.model_validate({**fallback, **body, "status": status})
    except ValueError:
        return Problem.model_validate(fallback)
    return scrubbed(problem)


def scrubbed(problem: Problem) -> Problem:
    def scrub(text: str | None) -> str | None:
        return None if text is None else _LONG_DIGITS.sub("[redacted]", text)

    errors = [
        FieldError(field=e.field, code=e.code, message=scrub(e.message) or "")
        for e in problem.errors
    ]
    return problem.model_copy(
        update={"detail": scrub(problem.detail), "title": scrub(problem.title), "errors": errors}
    )
