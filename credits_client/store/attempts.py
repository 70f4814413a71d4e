"""Idempotency keys for the store's actions that must happen once: a payment, a support request.

An attempt keeps its key until its outcome is known, so sending the same thing again after a lost
answer replays it on the server instead of charging (or filing) a second time."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from credits_client.api.errors import ApiError, SessionExpired
from credits_client.api.models import CardInput

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class PendingAttempt:
    """One attempt whose outcome is not known yet, and the key that makes it happen once."""

    key: str
    fingerprint: tuple[object, ...]


@dataclass(slots=True)
class PendingAttempts:
    """The payment, the payment link and the support request of the person signed in whose
    outcome is not known."""

    payment: PendingAttempt | None = None
    support: PendingAttempt | None = None
    link: PendingAttempt | None = None

    def forget_payment(self) -> None:
        self.payment = None

    def forget_support(self) -> None:
        self.support = None

    def forget_link(self) -> None:
        self.link = None

    def forget_all(self) -> None:
        """Someone else signs in, or nobody: their attempts are not to be replayed."""
        self.payment = self.support = self.link = None


def attempt_for(pending: PendingAttempt | None, fingerprint: tuple[object, ...]) -> PendingAttempt:
    """The pending attempt again when it asked for the same thing, else a new one with a new key."""
    if pending is not None and pending.fingerprint == fingerprint:
        return pending
    return PendingAttempt(str(uuid.uuid4()), fingerprint)


async def until_known(call: Awaitable[T], forget: Callable[[], None]) -> T:
    """`call`'s answer; `forget` the pending attempt once its outcome is known (answered, or
    refused). An expired session (not processed) or a lost answer keeps it, so trying again
    replays the same key."""
    try:
        answer = await call
    except SessionExpired:
        raise
    except ApiError:
        forget()
        raise
    forget()
    return answer


def payment_fingerprint(
    amount: int, method_id: str | None, card: CardInput | None, save_card: bool
) -> tuple[object, ...]:
    # Identifies "the same payment" without keeping the card number or CVC.
    card_id = None
    if card is not None:
        card_id = (card.number.get_secret_value()[-4:], card.exp_month, card.exp_year)
    return (amount, method_id, card_id, save_card)
