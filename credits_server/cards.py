"""Card checks by the rules the app checks as a person types (credits_core's), made by the
sandbox gateway's tokenization endpoint (the service itself never receives a card). Nothing here
is stored."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

from credits_core.card_checks import (
    CardProblem,
    cvc_problem,
    expiry_problem,
    full_year,
    number_problem,
)
from credits_core.cards import detect_brand, last4
from credits_server.errors import FieldProblem, invalid

# What people type between digit groups, as the app drops them too.
_SEPARATORS = re.compile(r"[\s-]")


@dataclass(frozen=True, slots=True)
class CardDetails:
    """A card as typed, checked. `repr` hides the number and CVC so a log line cannot leak them."""

    number: str = field(repr=False)
    exp_month: int
    exp_year: int
    cvc: str = field(repr=False)
    name: str
    brand: str

    @property
    def last4(self) -> str:
        return last4(self.number)


def check_card(
    number: str,
    exp_month: int,
    exp_year: int,
    cvc: str,
    name: str,
    *,
    prefix: str = "",
    now: datetime | None = None,
) -> CardDetails:
    """The card, or a 422 validation_error naming each bad field (`prefix` for nested objects)."""
    today = (now or datetime.now(UTC)).date()
    digits = _SEPARATORS.sub("", number)
    brand = detect_brand(digits)
    found = [
        number_problem(digits),
        expiry_problem(exp_month, exp_year, today),
        cvc_problem(cvc, brand),
    ]
    problems = [_field_problem(problem, prefix) for problem in found if problem is not None]
    if problems:
        raise invalid(problems, "The card details are not valid.")
    return CardDetails(digits, exp_month, full_year(exp_year), cvc, name.strip()[:200], brand.code)


def _field_problem(problem: CardProblem, prefix: str) -> FieldProblem:
    return FieldProblem(f"{prefix}{problem.field}", problem.code, problem.message)
