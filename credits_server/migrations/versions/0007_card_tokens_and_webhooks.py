"""card tokens made by the app at the gateway: the sandbox's card expiry and name

Revision ID: 0007
Revises: 0005
Create Date: 2026-12-06 03:40:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0005"
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


def downgrade() -> None:
    with op.batch_alter_table("sandbox_cards", schema=None) as batch_op:
        batch_op.drop_column("name")
        batch_op.drop_column("exp_year")
        batch_op.drop_column("exp_month")
