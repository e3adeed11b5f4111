"""Names other packages still import from here; the queries live in `models/repositories/`."""

from __future__ import annotations

from models.records import ContactRow, PatientRef
from models.records import patient_view as view
from models.repositories.messages import outbox

__all__ = ["ContactRow", "PatientRef", "outbox", "view"]
