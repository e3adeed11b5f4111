"""An index for the fan-out's pages of active patients by phone.

Without it SQLite answers each page `status = 'active' AND phone > :after ORDER BY phone, id LIMIT n`
from ix_patient_status, sorting every active patient again for every page: work that grows with
the square of the cohort (200,000 patients: 4.6 s of reads against 3.1 s with this index, under
tracemalloc; at 1,000,000 it is 200 sorts of a million rows).

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_patient_status_phone", "patient", ["status", "phone", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_patient_status_phone", table_name="patient")
