"""Initial schema: contacts, patients, declarations, alerts and messages (the outbox), as `create_all` made them.

Revision ID: 0001
Revises: -
Create Date: 2026-11-25 20:49:07.835182
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import models.types

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "contact",
        sa.Column("phone", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("language", sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
        sa.Column("opted_out", sa.Boolean(), nullable=False),
        sa.Column("opted_out_at", models.types.UTCDateTime(), nullable=True),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("state_data", sa.JSON(), nullable=False),
        sa.Column("state_updated_at", models.types.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("phone"),
    )
    op.create_table(
        "patient",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("full_name", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("birth_year", sa.Integer(), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("area", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("clinic_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("phone", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("registered_by", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("positive_test_date", sa.Date(), nullable=False),
        sa.Column("symptoms", sa.Boolean(), nullable=False),
        sa.Column("risk_factors", sa.JSON(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("language", sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
        sa.Column("created_at", models.types.UTCDateTime(), nullable=False),
        sa.Column("decided_at", models.types.UTCDateTime(), nullable=True),
        sa.Column("decided_by", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
        sa.Column("decided_by_phone", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("rejected_reason", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("monitor_until", sa.Date(), nullable=True),
        sa.Column("test_asked_on", sa.Date(), nullable=True),
        sa.Column("test_result", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("ended_at", models.types.UTCDateTime(), nullable=True),
        sa.Column("ended_by", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
        sa.Column("call_needed", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    op.create_index(op.f("ix_patient_clinic_id"), "patient", ["clinic_id"], unique=False)
    op.create_index(op.f("ix_patient_phone"), "patient", ["phone"], unique=False)
    op.create_index(op.f("ix_patient_status"), "patient", ["status"], unique=False)
    op.create_table(
        "alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("clinic_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("level", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("created_at", models.types.UTCDateTime(), nullable=False),
        sa.Column("acknowledged_at", models.types.UTCDateTime(), nullable=True),
        sa.Column("acknowledged_by", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
        sa.Column("acknowledged_by_phone", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("dedupe_key", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
        sa.Column("escalation_step", sa.Integer(), nullable=False),
        sa.Column("last_escalated_at", models.types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patient.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("dedupe_key"),
    )
    op.create_index(op.f("ix_alert_clinic_id"), "alert", ["clinic_id"], unique=False)
    op.create_index(op.f("ix_alert_patient_id"), "alert", ["patient_id"], unique=False)
    op.create_table(
        "declaration",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.Column("started_at", models.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", models.types.UTCDateTime(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("complete", sa.Boolean(), nullable=False),
        sa.Column("level", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patient.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("patient_id", "started_at", name="uq_declaration_start"),
    )
    op.create_index(op.f("ix_declaration_local_date"), "declaration", ["local_date"], unique=False)
    op.create_index(op.f("ix_declaration_patient_id"), "declaration", ["patient_id"], unique=False)
    op.create_table(
        "message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("direction", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
        sa.Column("phone", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("body", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_at", models.types.UTCDateTime(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=True),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("provider_sid", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("dedupe_key", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
        sa.Column("in_reply_to", sa.Integer(), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("sensitive", sa.Boolean(), nullable=False),
        sa.Column("segments", sa.Integer(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", models.types.UTCDateTime(), nullable=True),
        sa.Column("claimed_at", models.types.UTCDateTime(), nullable=True),
        sa.Column("claimed_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("error", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
        sa.Column("error_code", sa.Integer(), nullable=True),
        sa.Column("sent_at", models.types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patient.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("dedupe_key"),
        sa.UniqueConstraint("provider_sid"),
    )
    op.create_index(op.f("ix_message_in_reply_to"), "message", ["in_reply_to"], unique=False)
    op.create_index("ix_message_outbox", "message", ["status", "id"], unique=False)
    op.create_index(op.f("ix_message_patient_id"), "message", ["patient_id"], unique=False)
    op.create_index(op.f("ix_message_phone"), "message", ["phone"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_message_phone"), table_name="message")
    op.drop_index(op.f("ix_message_patient_id"), table_name="message")
    op.drop_index("ix_message_outbox", table_name="message")
    op.drop_index(op.f("ix_message_in_reply_to"), table_name="message")
    op.drop_table("message")
    op.drop_index(op.f("ix_declaration_patient_id"), table_name="declaration")
    op.drop_index(op.f("ix_declaration_local_date"), table_name="declaration")
    op.drop_table("declaration")
    op.drop_index(op.f("ix_alert_patient_id"), table_name="alert")
    op.drop_index(op.f("ix_alert_clinic_id"), table_name="alert")
    op.drop_table("alert")
    op.drop_index(op.f("ix_patient_status"), table_name="patient")
    op.drop_index(op.f("ix_patient_phone"), table_name="patient")
    op.drop_index(op.f("ix_patient_clinic_id"), table_name="patient")
    op.drop_table("patient")
    op.drop_table("contact")
