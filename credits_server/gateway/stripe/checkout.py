"""A payment link's page at Stripe: a Checkout Session (mode `payment`) for the link's amount,
and, once Stripe says it is paid, the PaymentIntent and card that paid it.

The session is made with an idempotency key of the link and its token, so opening the link twice
gives the same session. Stripe keeps a session open at least 30 minutes: it is made to expire 30
minutes after the link does, and a payment completed in that time is still credited (the money
was taken). The card is saved for off-session use (auto-recharge) when the link asks, on the
account's Customer.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import stripe

    from credits_server.gateway.base import PageView

# Stripe's shortest session life is 30 minutes from its creation.
AFTER_THE_LINK_SECONDS = 1800


def session_params(
    view: PageView, *, customer: str | None, success_url: str, cancel_url: str
) -> dict[str, Any]:
    params: dict[str, Any] = {
        "mode": "payment",
        "line_items": [
            {
                "quantity": 1,
                "price_data": {
                    "currency": view.currency.lower(),
                    "unit_amount": view.amount,
                    "product_data": {"name": f"Calling credit for {view.account_name}"},
                },
            }
        ],
        "payment_method_types": ["card"],
        "client_reference_id": view.link_id,
        "metadata": {"payment_link_id": view.link_id},
        "payment_intent_data": {"metadata": {"payment_link_id": view.link_id}},
        "success_url": success_url,
        "cancel_url": cancel_url,
        "expires_at": int(view.expires_at.timestamp()) + AFTER_THE_LINK_SECONDS,
    }
    if view.save_card:
        params["payment_intent_data"]["setup_future_usage"] = "off_session"
        params["customer"] = customer
    return params


def session_key(link_id: str, token: str) -> str:
    """The same link with the same token makes one session (a renewed token, a new one)."""
    return f"credits-checkout-{link_id}-{hashlib.sha256(token.encode()).hexdigest()[:16]}"


async def create_session(client: stripe.StripeClient, params: dict[str, Any], key: str) -> str:
    """The session's URL at Stripe."""
    made = await client.v1.checkout.sessions.create_async(
        params,  # type: ignore[arg-type]
        {"idempotency_key": key},
    )
    assert made.url is not None
    return str(made.url)


async def paid_intent(client: stripe.StripeClient, session_id: str) -> dict[str, Any] | None:
    """The PaymentIntent that paid the session, as Stripe tells it now; None unless paid."""
    session = (await client.v1.checkout.sessions.retrieve_async(session_id)).to_dict()
    intent_id = session.get("payment_intent")
    if session.get("payment_status") != "paid" or not intent_id:
        return None
    intent = (await client.v1.payment_intents.retrieve_async(str(intent_id))).to_dict()
    return intent if intent.get("status") == "succeeded" else None
