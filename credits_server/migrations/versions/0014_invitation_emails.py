"""invitation emails: an outbox message's secret part (kept only while it waits) and expiry,
and the invitation's message

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 08:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("secret", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_check_constraint(
            "ck_outbox_messages_secret_pending", "secret IS NULL OR status = 'pending'"
        )
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("message_id", sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.drop_column("message_id")
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_constraint("ck_outbox_messages_secret_pending", type_="check")
        batch_op.drop_column("expires_at")
        batch_op.drop_column("secret")
