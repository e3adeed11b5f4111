"""Outbox priority (alerts before bulk prompts) and per-patient keys of scheduled sends.

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import models.types

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("message") as batch:
        batch.add_column(sa.Column("priority", sa.Integer(), nullable=False, server_default="0"))
        batch.drop_index("ix_message_outbox")
        batch.create_index("ix_message_outbox", ["status", "priority", "id"], unique=False)
    with op.batch_alter_table("message") as batch:
        batch.alter_column("priority", server_default=None)
    op.create_table(
        "scheduledsend",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.Column("created_at", models.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["message_id"], ["message.id"]),
        sa.PrimaryKeyConstraint("key"),
    )


def downgrade() -> None:
    op.drop_table("scheduledsend")
    with op.batch_alter_table("message") as batch:
        batch.drop_index("ix_message_outbox")
        batch.create_index("ix_message_outbox", ["status", "id"], unique=False)
        batch.drop_column("priority")
