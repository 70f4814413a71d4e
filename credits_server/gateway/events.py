"""What a gateway tells the service on its own (webhooks), in the service's words, and the table
that makes each of its events count once.

A gateway's folder reads its signed deliveries into these (`GatewayEvent`); the service
(`services/webhooks.py`) acts on them. Nothing here knows HTTP or a particular gateway.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from credits_server.models import Base, UtcDateTime, utcnow

EventKind = Literal["payment_settled", "refunded", "disputed", "checkout_completed", "ignored"]


@dataclass(frozen=True, slots=True)
class GatewayEvent:
    """One delivery, read. `topup_id` is ours (the gateway carries it in metadata, or we find
    it from the gateway's charge); `amount` is the refunded or disputed amount. A completed
    hosted page (`checkout_completed`) names its session as `charge_id` and our payment link."""

    event_id: str
    kind: EventKind
    charge_id: str | None = None
    topup_id: str | None = None
    amount: int = 0
    reason: str = ""
    payment_link_id: str | None = None


class BadSignature(Exception):
    """A delivery not signed with our webhook secret (or too old to trust): nothing is done."""


class ProcessedGatewayEvent(Base):
    """A gateway event already acted on: a repeat delivery of the same id changes nothing."""

    __tablename__ = "gateway_events"

    event_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    topup_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class GatewayJobLease(Base):
    """Who runs a gateway job across every server process (reconciliation), until when: a
    process takes the lease when it is free or expired, and renews it while it holds it."""

    __tablename__ = "gateway_job_leases"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    held_by: Mapped[str] = mapped_column(String(100))
    held_until: Mapped[datetime] = mapped_column(UtcDateTime)
