"""The offline sandbox gateway: honours Stripe's published test card numbers.

Its vault and its charges live in the service's database (`tables`), keyed by token and
idempotency key, so a charge is made at most once per key even across processes and restarts, and
tests can count charges. The card number itself is never written anywhere. A charge waiting for
3-D Secure longer than `authentication_seconds` has failed (`authentication_expired`): an answer
after that is refused, and the reconciler, asking how it stands, settles the top-up as failed.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from credits_server.cards import CardDetails
from credits_server.db import Database
from credits_server.gateway.base import (
    CardRefused,
    ChargeResult,
    ChargeStatus,
    CheckoutOutcome,
    PaymentConfig,
    SavedCard,
)
from credits_server.gateway.events import BadSignature, GatewayEvent
from credits_server.gateway.sandbox.tables import SandboxCard, SandboxCharge
from credits_server.models import utcnow

# Behaviour of Stripe's test cards. "decline:<code>" refuses at saving and at charging;
# "charge_decline" saves fine but every charge declines; "auth_oneoff" asks for 3-D Secure
# unless set up for future use; "auth_always" asks every time.
TEST_CARDS = {
    "4242424242424242": "succeed",
    "4000000000000002": "decline:card_declined",
    "4000000000009995": "decline:insufficient_funds",
    "4000000000000069": "decline:expired_card",
    "4000000000000127": "decline:incorrect_cvc",
    "4000000000000119": "decline:processing_error",
    "4000002500003155": "auth_oneoff",
    "4000002760003184": "auth_always",
    "4000000000000341": "charge_decline",
}


# The stand-in for the bank's 3-D Secure page, served by `routes` on the credits server.
AUTHENTICATION_PATH = "/sandbox/authenticate"
# The payment page of a payment link (`page.py`): GET shows it, POST takes a card.
PAY_PATH = "/pay"
# Where the app tokenizes a card, shaped as Stripe's POST /v1/payment_methods (also `routes`).
TOKENIZATION_PATH = "/sandbox/v1/payment_methods"
PUBLISHABLE_KEY = "pk_sandbox"
# A 3-D Secure wait left unanswered past the bank's time.
AUTHENTICATION_EXPIRED = "authentication_expired"


def behaviour_of(number: str) -> str:
    return TEST_CARDS.get(number, "succeed")


class SandboxGateway:
    def __init__(
        self,
        db: Database,
        *,
        charge_delay_ms: int = 0,
        answer_delay_ms: int = 0,
        authentication_seconds: float = 600.0,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.db = db
        self.charge_delay = charge_delay_ms / 1000
        # Tests only: a charge made whose answer is slow, so a crash can land after the charge.
        self.answer_delay = answer_delay_ms / 1000
        self.authentication_window = timedelta(seconds=authentication_seconds)
        self.clock = clock  # the bank's time, which tests move on instead of waiting

    def authentication_url(self, base_url: str, charge_reference: str) -> str:
        return f"{base_url.rstrip('/')}{AUTHENTICATION_PATH}/{charge_reference}"

    async def checkout_outcome(self, session_id: str) -> CheckoutOutcome | None:
        """The sandbox's payment page is served by the credits server itself: no hosted one."""
        return None

    async def webhook_event(self, payload: bytes, signature: str | None) -> GatewayEvent:
        """The sandbox answers at once and sends no webhooks: every delivery is refused."""
        raise BadSignature

    def public_config(self) -> PaymentConfig:
        return PaymentConfig("sandbox", PUBLISHABLE_KEY, TOKENIZATION_PATH)

    async def tokenize(self, card: CardDetails) -> SavedCard:
        """The sandbox's side of the app's tokenization call: the card's behaviour, brand, last 4
        and expiry are kept under a new payment-method id; the number and CVC are not."""
        token = f"pm_sandbox_{secrets.token_hex(12)}"
        async with self.db.write() as session:
            session.add(
                SandboxCard(
                    token=token,
                    brand=card.brand,
                    last4=card.last4,
                    exp_month=card.exp_month,
                    exp_year=card.exp_year,
                    name=card.name,
                    behaviour=behaviour_of(card.number),
                    set_up_for_future=False,
                )
            )
        return SavedCard(token, card.brand, card.last4, card.exp_month, card.exp_year, card.name)

    async def describe(self, token: str) -> SavedCard:
        async with self.db.read() as session:
            card = await session.get(SandboxCard, token)
        if card is None:
            raise CardRefused("invalid_payment_method")
        return _saved(card)

    async def save_for_future(self, token: str, *, customer: str) -> SavedCard:
        async with self.db.write() as session:
            card = await session.get(SandboxCard, token)
            if card is None:
                raise CardRefused("invalid_payment_method")
            if card.behaviour.startswith("decline:"):
                raise CardRefused(card.behaviour.removeprefix("decline:"))
            card.set_up_for_future = True
            return _saved(card)

    async def mark_set_up(self, token: str) -> None:
        async with self.db.write() as session:
            card = await session.get(SandboxCard, token)
            if card is not None:
                card.set_up_for_future = True

    async def charge(
        self,
        *,
        token: str,
        amount: int,
        currency: str,
        idempotency_key: str,
        customer: str,
        off_session: bool = False,
        save_for_future: bool = False,
    ) -> ChargeResult:
        existing = await self.retrieve(idempotency_key)
        if existing is not None:
            if self.answer_delay:
                await asyncio.sleep(self.answer_delay)  # a repeat's answer is as slow
            return existing
        if self.charge_delay:
            await asyncio.sleep(self.charge_delay)  # the pretend network round trip
        try:
            async with self.db.write() as session:
                # Re-read under the write lock: another process may have charged meanwhile.
                found = await self._by_key(session, idempotency_key)
                if found is not None:
                    return self._result(found)
                card = await session.get(SandboxCard, token)
                status, code = _outcome(card, off_session=off_session)
                charge = SandboxCharge(
                    id=f"ch_sandbox_{secrets.token_hex(12)}",
                    idempotency_key=idempotency_key,
                    customer=customer,
                    token=token,
                    amount=amount,
                    currency=currency,
                    status=status,
                    failure_code=code,
                    created_at=self.clock(),
                    updated_at=self.clock(),
                )
                session.add(charge)
            if self.answer_delay:
                await asyncio.sleep(self.answer_delay)
            return self._result(charge)
        except IntegrityError:
            # PostgreSQL: a concurrent first charge with this key won the unique constraint.
            again = await self.retrieve(idempotency_key)
            if again is None:
                raise
            return again

    async def retrieve(self, idempotency_key: str) -> ChargeResult | None:
        async with self.db.read() as session:
            found = await self._by_key(session, idempotency_key)
            return None if found is None else self._result(found)

    async def refresh(self, charge_id: str) -> ChargeResult:
        async with self.db.read() as session:
            charge = await session.get(SandboxCharge, charge_id)
        if charge is None:
            raise LookupError(charge_id)
        return self._result(charge)

    async def authenticate(self, charge_id: str, *, approve: bool) -> ChargeResult:
        async with self.db.write() as session:
            charge = await session.get(SandboxCharge, charge_id)
            if charge is None:
                raise LookupError(charge_id)
            if charge.status == "requires_action":
                if self._expired(charge):  # too late: the bank no longer takes an answer
                    charge.status, charge.failure_code = "failed", AUTHENTICATION_EXPIRED
                elif approve:
                    charge.status, charge.failure_code = "succeeded", None
                else:
                    charge.status, charge.failure_code = "failed", "authentication_failed"
                charge.updated_at = self.clock()
            return self._result(charge)

    def _expired(self, charge: SandboxCharge) -> bool:
        return self.clock() - charge.created_at >= self.authentication_window

    def _result(self, charge: SandboxCharge) -> ChargeResult:
        """The charge as it stands now: one still waiting past the bank's time has failed."""
        if charge.status == "requires_action" and self._expired(charge):
            return ChargeResult(charge.id, "failed", AUTHENTICATION_EXPIRED)
        return _result(charge)

    @staticmethod
    async def _by_key(session: AsyncSession, key: str) -> SandboxCharge | None:
        return (
            await session.execute(select(SandboxCharge).where(SandboxCharge.idempotency_key == key))
        ).scalar_one_or_none()


def _saved(card: SandboxCard) -> SavedCard:
    return SavedCard(card.token, card.brand, card.last4, card.exp_month, card.exp_year, card.name)


def _outcome(card: SandboxCard | None, *, off_session: bool) -> tuple[str, str | None]:
    if card is None:
        return "failed", "processing_error"
    behaviour = card.behaviour
    if behaviour.startswith("decline:"):
        return "failed", behaviour.removeprefix("decline:")
    if behaviour == "charge_decline":
        return "failed", "card_declined"
    if behaviour == "auth_always" or (behaviour == "auth_oneoff" and not card.set_up_for_future):
        # Nobody is there to authenticate an off-session charge: Stripe fails it.
        return ("failed", "authentication_required") if off_session else ("requires_action", None)
    return "succeeded", None


def _result(charge: SandboxCharge) -> ChargeResult:
    status: ChargeStatus = "failed"
    if charge.status == "succeeded":
        status = "succeeded"
    elif charge.status == "requires_action":
        status = "requires_action"
    return ChargeResult(charge.id, status, charge.failure_code)
