"""The Stripe gateway, through the official `stripe` SDK (`StripeClient`, async calls).

- A card reaches Stripe from the app (the publishable key and `POST /v1/payment_methods`); we get
  its PaymentMethod id. Saving it confirms a SetupIntent for off-session use on the account's
  Customer (one per account, `tables.StripeCustomer`).
- A top-up is a PaymentIntent created and confirmed at once with the customer, the payment
  method, amount, currency and our top-up id in metadata; its idempotency key is derived from
  the top-up id, so a retry after a crash gets Stripe's first answer and never a second charge.
  An auto-recharge is `off_session`: a charge that needs authentication fails with
  `authentication_required` instead of waiting for a person who is not there.
- `requires_action`: the customer's 3-D Secure page is Stripe's `next_action.redirect_to_url`,
  kept with the PaymentIntent (`tables.StripePayment`) and reached through our own stable link.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import stripe
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from credits_server.db import Database
from credits_server.gateway.base import (
    CardRefused,
    ChargeResult,
    CheckoutOutcome,
    PageView,
    PaymentConfig,
    SavedCard,
)
from credits_server.gateway.events import GatewayEvent
from credits_server.gateway.stripe import checkout, webhooks
from credits_server.gateway.stripe.results import failure_code, result_of
from credits_server.gateway.stripe.tables import StripeCustomer, StripePayment
from credits_server.settings import Settings

# Our link to a top-up's 3-D Secure page (redirects to Stripe's), served by `routes`.
AUTHENTICATION_PATH = "/stripe/authenticate"
# Where Stripe sends the customer back after 3-D Secure (a page saying to return to the app).
RETURN_PATH = "/stripe/returned"
# Where Stripe Checkout sends the customer once a payment link is paid.
CHECKOUT_DONE_PATH = "/stripe/checkout-done"
# Where it sends them when they leave without paying (the link's token is never given to Stripe).
CHECKOUT_CANCELLED_PATH = "/stripe/checkout-cancelled"


def stripe_key(topup_id: str) -> str:
    """The idempotency key Stripe gets for our top-up (its own id is our key)."""
    return f"credits-topup-{topup_id}"


class StripeGateway:
    def __init__(self, settings: Settings, db: Database) -> None:
        missing = [
            name
            for name, value in (
                ("stripe_secret_key", settings.stripe_secret_key.get_secret_value()),
                ("stripe_publishable_key", settings.stripe_publishable_key),
            )
            if not value
        ]
        if missing:
            raise ValueError(f"the stripe gateway needs {' and '.join(missing)}")
        self.db = db
        self.api_base = settings.stripe_api_base.rstrip("/")
        self.publishable_key = settings.stripe_publishable_key
        self.webhook_secret = settings.stripe_webhook_secret
        self.return_url = (settings.public_url or "http://localhost").rstrip("/") + RETURN_PATH
        self.client = stripe.StripeClient(
            settings.stripe_secret_key.get_secret_value(),
            base_addresses={"api": self.api_base},
            http_client=stripe.HTTPXClient(timeout=30),
            max_network_retries=2,  # each with the same idempotency key: Stripe's own advice
        )

    def public_config(self) -> PaymentConfig:
        return PaymentConfig("stripe", self.publishable_key, f"{self.api_base}/v1/payment_methods")

    def authentication_url(self, base_url: str, charge_reference: str) -> str:
        return f"{base_url.rstrip('/')}{AUTHENTICATION_PATH}/{charge_reference}"

    async def describe(self, token: str) -> SavedCard:
        try:
            method = await self.client.v1.payment_methods.retrieve_async(token)
        except stripe.InvalidRequestError:
            raise CardRefused("invalid_payment_method") from None
        return _saved(method.to_dict())

    async def save_for_future(self, token: str, *, customer: str) -> SavedCard:
        params: Any = {
            "customer": await self._customer(customer),
            "payment_method": token,
            "payment_method_types": ["card"],
            "usage": "off_session",
            "confirm": True,
        }
        try:
            await self.client.v1.setup_intents.create_async(
                params, {"idempotency_key": f"credits-setup-{token}"}
            )
        except stripe.CardError as error:
            body = _error_body(error)
            raise CardRefused(failure_code(body.get("code"), body.get("decline_code"))) from None
        except stripe.InvalidRequestError:
            raise CardRefused("invalid_payment_method") from None
        return await self.describe(token)

    async def mark_set_up(self, token: str) -> None:
        """Nothing to do: a card saved while paying was charged with `setup_future_usage`."""

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
        params: Any = {
            "amount": amount,
            "currency": currency.lower(),
            "customer": await self._customer(customer),
            "payment_method": token,
            "payment_method_types": ["card"],
            "confirm": True,
            "metadata": {"topup_id": idempotency_key},
        }
        if off_session:
            params["off_session"] = True
        else:
            params["return_url"] = f"{self.return_url}/{idempotency_key}"
        if save_for_future:
            params["setup_future_usage"] = "off_session"
        options: Any = {"idempotency_key": stripe_key(idempotency_key)}
        intent: Any
        try:
            intent = (await self.client.v1.payment_intents.create_async(params, options)).to_dict()
        except stripe.CardError as error:
            # A decline: the PaymentIntent, now `requires_payment_method`, comes with the error.
            body = _error_body(error)
            intent = body.get("payment_intent")
            if not isinstance(intent, dict):
                code = failure_code(body.get("code"), body.get("decline_code"))
                return ChargeResult(f"failed:{idempotency_key}", "failed", code)
        result = result_of(intent)
        await self._remember(intent["id"], idempotency_key, result.action_url)
        return result

    async def retrieve(self, idempotency_key: str) -> ChargeResult | None:
        async with self.db.read() as session:
            found = (
                await session.execute(
                    select(StripePayment.payment_intent_id).where(
                        StripePayment.topup_id == idempotency_key
                    )
                )
            ).scalar_one_or_none()
        return None if found is None else await self.refresh(found)

    async def refresh(self, charge_id: str) -> ChargeResult:
        intent = (await self.client.v1.payment_intents.retrieve_async(charge_id)).to_dict()
        return result_of(intent)

    async def authenticate(self, charge_id: str, *, approve: bool) -> ChargeResult:
        """Stripe decides: the customer answered on Stripe's page, so ask it how that went."""
        return await self.refresh(charge_id)

    async def checkout_url(self, view: PageView, token: str, base_url: str) -> str:
        """The Checkout Session page where the link `view` (opened with `token`) is paid."""
        base = base_url.rstrip("/")
        params = checkout.session_params(
            view,
            customer=await self._customer(view.account_id) if view.save_card else None,
            success_url=f"{base}{CHECKOUT_DONE_PATH}",
            cancel_url=f"{base}{CHECKOUT_CANCELLED_PATH}",
        )
        return await checkout.create_session(
            self.client, params, checkout.session_key(view.link_id, token)
        )

    async def checkout_outcome(self, session_id: str) -> CheckoutOutcome | None:
        intent = await checkout.paid_intent(self.client, session_id)
        if intent is None:
            return None
        return CheckoutOutcome(
            str(intent["id"]), await self.describe(str(intent["payment_method"]))
        )

    async def webhook_event(self, payload: bytes, signature: str | None) -> GatewayEvent:
        secret = self.webhook_secret.get_secret_value()
        event = webhooks.read(webhooks.verified(payload, signature, secret))
        if event.topup_id is None and event.charge_id is not None:
            # A refund or a dispute names the PaymentIntent; we know whose top-up that was.
            async with self.db.read() as session:
                topup_id = (
                    await session.execute(
                        select(StripePayment.topup_id).where(
                            StripePayment.payment_intent_id == event.charge_id
                        )
                    )
                ).scalar_one_or_none()
            event = replace(event, topup_id=topup_id)
        return event

    async def action_url(self, topup_id: str) -> str | None:
        async with self.db.read() as session:
            return (
                await session.execute(
                    select(StripePayment.action_url).where(StripePayment.topup_id == topup_id)
                )
            ).scalar_one_or_none()

    async def _customer(self, account_id: str) -> str:
        async with self.db.read() as session:
            known = await session.get(StripeCustomer, account_id)
        if known is not None:
            return known.customer_id
        created = await self.client.v1.customers.create_async(
            {"metadata": {"account_id": account_id}},
            {"idempotency_key": f"credits-customer-{account_id}"},
        )
        try:
            async with self.db.write() as session:
                session.add(StripeCustomer(account_id=account_id, customer_id=created.id))
        except IntegrityError:  # another process recorded one first: use that one
            async with self.db.read() as session:
                raced = await session.get(StripeCustomer, account_id)
            assert raced is not None
            return raced.customer_id
        return str(created.id)

    async def _remember(self, intent_id: str, topup_id: str, action: str | None) -> None:
        async with self.db.write() as session:
            row = await session.get(StripePayment, intent_id)
            if row is None:
                session.add(
                    StripePayment(payment_intent_id=intent_id, topup_id=topup_id, action_url=action)
                )
            else:
                row.action_url = action


def _error_body(error: stripe.StripeError) -> dict[str, Any]:
    """Stripe's `error` object of a failed call (the code, decline code, PaymentIntent)."""
    json_body: Any = error.json_body
    body = json_body.get("error") if isinstance(json_body, dict) else None
    return body if isinstance(body, dict) else {}


def _saved(method: dict[str, Any]) -> SavedCard:
    card = method.get("card") or {}
    name = (method.get("billing_details") or {}).get("name") or ""
    return SavedCard(
        method["id"],
        str(card.get("brand") or "unknown"),
        str(card.get("last4") or ""),
        int(card.get("exp_month") or 0),
        int(card.get("exp_year") or 0),
        str(name),
    )
