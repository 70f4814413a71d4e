"""card tokens made by the app at the gateway (the sandbox's card expiry and name); the Stripe
gateway's customers and payments; gateway webhook events processed once; the reconciliation
job's lease

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 03:40:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The sandbox now describes a card from its token alone (the server never sees the card).
    with op.batch_alter_table("sandbox_cards", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("exp_month", sa.Integer(), nullable=False, server_default="12")
        )
        batch_op.add_column(
            sa.Column("exp_year", sa.Integer(), nullable=False, server_default="2099")
        )
        batch_op.add_column(
            sa.Column("name", sa.String(length=200), nullable=False, server_default="")
        )

    op.create_table(
        "stripe_customers",
        sa.Column("account_id", sa.String(length=40), nullable=False),
        sa.Column("customer_id", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_stripe_customers")),
        sa.UniqueConstraint("customer_id", name=op.f("uq_stripe_customers_customer_id")),
    )
    op.create_table(
        "stripe_payments",
        sa.Column("payment_intent_id", sa.String(length=255), nullable=False),
        sa.Column("topup_id", sa.String(length=255), nullable=False),
        sa.Column("action_url", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("payment_intent_id", name=op.f("pk_stripe_payments")),
        sa.UniqueConstraint("topup_id", name=op.f("uq_stripe_payments_topup_id")),
    )
    op.create_table(
        "gateway_events",
        sa.Column("event_id", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("topup_id", sa.String(length=40), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_gateway_events")),
    )
    op.create_table(
        "gateway_job_leases",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("held_by", sa.String(length=100), nullable=False),
        sa.Column("held_until", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_gateway_job_leases")),
    )


def downgrade() -> None:
    op.drop_table("gateway_job_leases")
    op.drop_table("gateway_events")
    op.drop_table("stripe_payments")
    op.drop_table("stripe_customers")
    with op.batch_alter_table("sandbox_cards", schema=None) as batch_op:
        batch_op.drop_column("name")
        batch_op.drop_column("exp_year")
        batch_op.drop_column("exp_month")
