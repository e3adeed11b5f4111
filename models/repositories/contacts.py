"""A phone's contact (its conversation and preferences): Core statements, read FOR UPDATE."""

from __future__ import annotations

from sqlalchemy import bindparam, insert, select, update
from sqlmodel import Session

from models.records import ContactRow
from models.tables import Contact

CONTACTS = Contact.__table__  # type: ignore[attr-defined]
# The webhook's statements, built once: building one per call costs more than running it.
_SELECT_FOR_UPDATE = select(CONTACTS).where(CONTACTS.c.phone == bindparam("b_phone")).with_for_update()
_UPDATE = update(CONTACTS).where(CONTACTS.c.phone == bindparam("b_phone"))
_INSERT = insert(CONTACTS)


class SqlContacts:
    def __init__(self, session: Session) -> None:
        self._session = session

    def for_update(self, phone: str, language: str) -> ContactRow:
        """The phone's contact, locked for this transaction (new, unsaved, on first contact)."""
        row = self._session.connection().execute(_SELECT_FOR_UPDATE, {"b_phone": phone}).first()
        if row is None:
            return ContactRow(phone=phone, language=language)
        return ContactRow(
            phone=row.phone,
            language=row.language,
            opted_out=row.opted_out,
            opted_out_at=row.opted_out_at,
            state=row.state,
            state_data=dict(row.state_data or {}),
            state_updated_at=row.state_updated_at,
            stored=True,
        )

    def save(self, contact: ContactRow) -> None:
        """Insert the contact on first contact, else update it (the caller holds its lock)."""
        values = {
            "language": contact.language,
            "opted_out": contact.opted_out,
            "opted_out_at": contact.opted_out_at,
            "state": contact.state,
            "state_data": contact.state_data,
            "state_updated_at": contact.state_updated_at,
        }
        if contact.stored:
            self._session.connection().execute(_UPDATE, {"b_phone": contact.phone, **values})
        else:
            self._session.connection().execute(_INSERT, {"phone": contact.phone, **values})
            contact.stored = True
