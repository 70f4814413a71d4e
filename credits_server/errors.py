"""Errors the services raise; the API turns each into an RFC 9457 problem with a stable code."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class FieldProblem:
    field: str
    code: str
    message: str


@dataclass
class ServiceError(Exception):
    status: int
    code: str
    detail: str
    errors: list[FieldProblem] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.code}: {self.detail}"


def not_found(what: str = "resource") -> ServiceError:
    return ServiceError(404, "not_found", f"No such {what}.")


def forbidden(detail: str = "Only an owner of the account may do this.") -> ServiceError:
    return ServiceError(403, "forbidden", detail)


def invalid(errors: list[FieldProblem], detail: str = "Some fields are not valid.") -> ServiceError:
    return ServiceError(422, "validation_error", detail, errors)
