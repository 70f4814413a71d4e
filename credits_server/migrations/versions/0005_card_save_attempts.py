"""card save attempts: one row per card sent to the gateway to be saved, for the per-account limit

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 22:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A refused card leaves no payment_methods row, so the limit needs rows of its own.
    op.create_table(
        "card_save_attempts",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("account_id", sa.String(length=40), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_card_save_attempts_account_id_accounts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_card_save_attempts")),
    )
    with op.batch_alter_table("card_save_attempts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_card_save_attempts_account_id_at", ["account_id", "at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("card_save_attempts", schema=None) as batch_op:
        batch_op.drop_index("ix_card_save_attempts_account_id_at")
    op.drop_table("card_save_attempts")
