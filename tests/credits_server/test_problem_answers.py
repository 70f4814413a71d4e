"""Every kind of domain error has its HTTP answer in the API's one table."""

from __future__ import annotations

from credits_server import errors
from credits_server.api.problems import ANSWERS, answer_for
from credits_server.ledger import InsufficientCredits


def _kinds(root: type[errors.DomainError]) -> list[type[errors.DomainError]]:
    found = []
    for kind in root.__subclasses__():
        found += [kind, *_kinds(kind)]
    return found


def test_every_kind_of_domain_error_is_answered() -> None:
    assert set(_kinds(errors.DomainError)) >= set(ANSWERS) | {InsufficientCredits}
    for kind in _kinds(errors.DomainError):
        assert kind in ANSWERS or any(base in ANSWERS for base in kind.__mro__), kind


def test_the_retry_after_is_the_domain_s_and_the_status_the_api_s() -> None:
    limited = errors.RateLimited("too_many_attempts", "Wait.", retry_after=7)
    answer = answer_for(limited)
    assert (answer.status, answer.headers(limited)) == (429, {"Retry-After": "7"})
    assert answer_for(InsufficientCredits(0, 5, 0)).status == 402
