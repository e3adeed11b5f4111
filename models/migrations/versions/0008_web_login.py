"""The web console: one-time login codes (HMAC digests only), the audit of staff actions, and two
indexes that let the dashboard's line lists read a clinic's patients and a day's declarers from indexes alone.

Revision ID: 0008_web_login
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import models.types

revision: str = "0008_web_login"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "login_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("phone", TEXT(length=20), nullable=False),
        sa.Column("purpose", TEXT(length=16), nullable=False),
        sa.Column("digest", TEXT(length=64), nullable=False),
        sa.Column("salt", TEXT(length=32), nullable=False),
        sa.Column("created_at", models.types.UTCDateTime(), nullable=False),
        sa.Column("expires_at", models.types.UTCDateTime(), nullable=False),
        sa.Column("tries", sa.Integer(), nullable=False),
        sa.Column("used_at", models.types.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_login_code_phone", "login_code", ["phone", "purpose", "created_at"], unique=False)
    op.create_table(
        "staff_action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", models.types.UTCDateTime(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=True),
        sa.Column("patient_code", TEXT(length=16), nullable=False),
        sa.Column("action", TEXT(length=16), nullable=False),
        sa.Column("by_name", TEXT(length=80), nullable=False),
        sa.Column("by_phone", TEXT(length=20), nullable=False),
        sa.Column("channel", TEXT(length=16), nullable=False),
        sa.Column("detail", TEXT(length=500), nullable=False),
        sa.Column("outcome", TEXT(length=500), nullable=False),
        sa.ForeignKeyConstraint(["patient_id"], ["patient.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_staff_action_patient_id", "staff_action", ["patient_id"], unique=False)
    op.create_index("ix_patient_clinic_status", "patient", ["clinic_id", "status", "call_needed"], unique=False)
    op.create_index("ix_declaration_day_patient", "declaration", ["local_date", "level", "patient_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_declaration_day_patient", table_name="declaration")
    op.drop_index("ix_patient_clinic_status", table_name="patient")
    op.drop_index("ix_staff_action_patient_id", table_name="staff_action")
    op.drop_table("staff_action")
    op.drop_index("ix_login_code_phone", table_name="login_code")
    op.drop_table("login_code")
