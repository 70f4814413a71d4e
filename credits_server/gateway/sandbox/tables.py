"""The sandbox gateway's own tables: its vault of test cards and the charges made with them.

They share the service's database (and its migrations), so a charge is made at most once per key
even across processes and restarts, and tests can count charges. No card number is stored.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, String
from sqlalchemy.orm import Mapped, mapped_column

from credits_server.models import Base, UtcDateTime, utcnow


class SandboxCard(Base):
    """The sandbox gateway's vault: how a test card behaves, keyed by its token. No number."""

    __tablename__ = "sandbox_cards"

    token: Mapped[str] = mapped_column(String(100), primary_key=True)
    brand: Mapped[str] = mapped_column(String(20))
    last4: Mapped[str] = mapped_column(String(4))
    exp_month: Mapped[int] = mapped_column(default=12)
    exp_year: Mapped[int] = mapped_column(default=2099)
    name: Mapped[str] = mapped_column(String(200), default="")
    behaviour: Mapped[str] = mapped_column(String(40))
    set_up_for_future: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class SandboxCharge(Base):
    """One charge at the sandbox gateway; the idempotency key makes a repeat return the same."""

    __tablename__ = "sandbox_charges"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(255), unique=True)
    customer: Mapped[str | None] = mapped_column(String(40), nullable=True, index=True)
    token: Mapped[str] = mapped_column(String(100))
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(20))
    failure_code: Mapped[str | None] = mapped_column(String(40), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
