"""Provider message ids up to 128 characters.

A MessageSid longer than the 64-character column made PostgreSQL refuse the inbound message
(SQLite does not enforce lengths); Twilio's own ids are 34 characters, other providers' longer.

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("message") as batch:
        batch.alter_column(
            "provider_sid",
            existing_type=AutoString(length=64),
            type_=AutoString(length=128),
            existing_nullable=True,
        )


def downgrade() -> None:
    # Ids longer than 64 characters would not fit back: refuse rather than cut them.
    too_long = op.get_bind().execute(sa.text("SELECT count(*) FROM message WHERE length(provider_sid) > 64")).scalar()
    if too_long:
        raise RuntimeError(f"{too_long} messages have provider ids over 64 characters; downgrade refused")
    with op.batch_alter_table("message") as batch:
        batch.alter_column(
            "provider_sid",
            existing_type=AutoString(length=128),
            type_=AutoString(length=64),
            existing_nullable=True,
        )
