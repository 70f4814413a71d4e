"""Typed errors the client raises; screens show them, the store decides what they mean."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    # Types only: the login screen imports these errors before pydantic is loaded.
    from credits_client.api.models import FieldError, Problem


class ApiError(Exception):
    """The server answered with a problem document."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.detail or problem.title or problem.code)
        self.problem = problem

    @property
    def code(self) -> str:
        return self.problem.code

    @property
    def status(self) -> int:
        return self.problem.status

    @property
    def field_errors(self) -> dict[str, str]:
        """Field name to a message a person can read."""
        return {error.field: error.message for error in self.problem.errors}

    @property
    def message(self) -> str:
        return self.problem.detail or self.problem.title or self.problem.code

    @property
    def errors(self) -> list[FieldError]:
        return self.problem.errors


class InvalidCredentials(ApiError):
    """Wrong email or password (the server does not say which)."""


class RateLimited(ApiError):
    """Too many attempts; `retry_after` seconds until the next is allowed."""

    def __init__(self, problem: Problem, retry_after: float) -> None:
        super().__init__(problem)
        self.retry_after = retry_after


class SessionExpired(ApiError):
    """The session token is no longer accepted: sign in again, keep what was typed."""


class Conflict(ApiError):
    """A write lost to a newer one (412): reload, show the server's values."""


class ServerUnreachable(Exception):
    """No answer from the server: connection refused, timed out, or the link is down."""

    def __init__(self, message: str = "The credits server cannot be reached.") -> None:
        super().__init__(message)
        self.message = message
