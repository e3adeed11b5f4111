"""One open alert per patient: when staff were last sent an SMS about it (alerts.repeat_minutes);
an index for the inbound rate limits, which count the last minutes' messages.

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.types

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("alert") as batch:
        batch.add_column(sa.Column("paged_at", models.types.UTCDateTime(), nullable=True))
    op.create_index("ix_message_recent", "message", ["direction", "created_at"], unique=False)
    # The per-phone inbound limit counts one phone's last minutes on every message: without this the
    # planner may walk every recent message of the service instead (measured: 3x slower webhook).
    op.create_index("ix_message_phone_recent", "message", ["phone", "direction", "created_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_message_phone_recent", table_name="message")
    op.drop_index("ix_message_recent", table_name="message")
    with op.batch_alter_table("alert") as batch:
        batch.drop_column("paged_at")
