"""The Stripe gateway's own tables: the Stripe Customer of each account, and the PaymentIntent of
each of our top-ups (with its 3-D Secure page while it waits for one)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from credits_server.models import Base, UtcDateTime, utcnow


class StripeCustomer(Base):
    """The Stripe Customer our account's saved cards are attached to (off-session charges)."""

    __tablename__ = "stripe_customers"

    account_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(255), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class StripePayment(Base):
    """Our top-up (the idempotency key we charge with) and Stripe's PaymentIntent for it."""

    __tablename__ = "stripe_payments"

    payment_intent_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    topup_id: Mapped[str] = mapped_column(String(255), unique=True)
    action_url: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
