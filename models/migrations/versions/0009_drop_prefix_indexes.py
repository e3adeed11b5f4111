"""Drop four indexes that are the leading columns of another index on the same table.

Every insert pays for every index, and each of these answers nothing the longer index does not:
message(phone) < ix_message_phone_recent(phone, direction, created_at), declaration(local_date) <
ix_declaration_day_patient(local_date, level, patient_id), patient(clinic_id) <
ix_patient_clinic_status(clinic_id, status, call_needed), patient(status) <
ix_patient_status_phone(status, phone, id). Two fewer index writes on every inbound message
(issue 10's webhook benchmark).

Revision ID: 0009
Revises: 0008_web_login
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008_web_login"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DROPPED = (  # (index, table, columns): what downgrade() puts back
    ("ix_message_phone", "message", ["phone"]),
    ("ix_declaration_local_date", "declaration", ["local_date"]),
    ("ix_patient_clinic_id", "patient", ["clinic_id"]),
    ("ix_patient_status", "patient", ["status"]),
)


def upgrade() -> None:
    for name, table, _columns in DROPPED:
        op.drop_index(name, table_name=table)


def downgrade() -> None:
    for name, table, columns in DROPPED:
        op.create_index(name, table, columns, unique=False)
