"""Errors the services raise. They say what went wrong and nothing of HTTP: a stable `code`, a
`detail` for a person, per-field problems, and the domain's own data (how long to wait).

Each subclass is one kind of failure; credits_server.api.problems maps each kind to a status and
headers, in one table, and writes it as an RFC 9457 problem document.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FieldProblem:
    field: str
    code: str
    message: str


class DomainError(Exception):
    def __init__(self, code: str, detail: str, errors: list[FieldProblem] | None = None) -> None:
        super().__init__(code, detail)
        self.code = code
        self.detail = detail
        self.errors = list(errors or [])

    def __str__(self) -> str:
        return f"{self.code}: {self.detail}"


class Invalid(DomainError):
    """What was asked breaks a rule: a field out of bounds, a key reused for another request."""


class NotFound(DomainError):
    """No such thing, or not one the caller may see (another account's is no thing at all)."""


class Forbidden(DomainError):
    """The caller is known but their role does not allow this."""


class Conflict(DomainError):
    """The thing to create already exists."""


class Unauthenticated(DomainError):
    """No valid session or key: sign in (again)."""


class BadCredentials(DomainError):
    """The email or password given to sign in is not right."""


class RateLimited(DomainError):
    """Too many attempts; allowed again after `retry_after` seconds."""

    def __init__(self, code: str, detail: str, *, retry_after: int) -> None:
        super().__init__(code, detail)
        self.retry_after = retry_after


class KeyInUse(DomainError):
    """Another request holding the same Idempotency-Key is still being decided; try again after
    `retry_after` seconds (its answer will then be replayed)."""

    def __init__(self, code: str, detail: str, *, retry_after: int) -> None:
        super().__init__(code, detail)
        self.retry_after = retry_after


class NotReady(DomainError):
    """The server cannot serve yet: its database does not answer or its schema is not the
    migrations' head."""


class Declined(DomainError):
    """Money that cannot move: a card the gateway refused, credits the account does not have."""


class Gone(DomainError):
    """The thing existed but can no longer be used (a payment link paid with, or expired)."""


class PreconditionRequired(DomainError):
    """A change that must name the version it edits did not."""


class PreconditionFailed(DomainError):
    """The version the change was made against is no longer the current one."""


def not_found(what: str = "resource") -> NotFound:
    return NotFound("not_found", f"No such {what}.")


def forbidden(detail: str = "Only an owner of the account may do this.") -> Forbidden:
    return Forbidden("forbidden", detail)


def invalid(errors: list[FieldProblem], detail: str = "Some fields are not valid.") -> Invalid:
    return Invalid("validation_error", detail, errors)
