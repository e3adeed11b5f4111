"""A phone's contact (its conversation and preferences): Core statements, read FOR UPDATE."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, func, insert, select, update
from sqlmodel import Session

from models.records import ContactRow, InboundWindow
from models.tables import Contact, Message

CONTACTS = Contact.__table__  # type: ignore[attr-defined]
MESSAGES = Message.__table__  # type: ignore[attr-defined]
_PHONE = CONTACTS.c.phone == bindparam("b_phone")
# The phone's recent inbound messages, bounded (the per-phone limit's count), read with the row:
# one statement fewer on every message (issue 10's benchmark).
_RECENT = (
    select(func.count())
    .select_from(
        select(MESSAGES.c.id)
        .where(
            MESSAGES.c.direction == "in",
            MESSAGES.c.phone == bindparam("b_phone"),
            MESSAGES.c.created_at >= bindparam("b_since"),
        )
        .limit(bindparam("b_limit"))
        .subquery()
    )
    .scalar_subquery()
)
# The webhook's statements, built once: building one per call costs more than running it.
_SELECT_FOR_UPDATE = select(CONTACTS).where(_PHONE).with_for_update()
_SELECT_WITH_RECENT = select(CONTACTS, _RECENT.label("recent_inbound")).where(_PHONE).with_for_update(of=CONTACTS)
_UPDATE = update(CONTACTS).where(_PHONE)
_INSERT = insert(CONTACTS)


class SqlContacts:
    def __init__(self, session: Session) -> None:
        self._session = session

    def for_update(self, phone: str, language: str, recent: InboundWindow | None = None) -> ContactRow:
        """The phone's contact, locked for this transaction (new, unsaved, on first contact); with
        `recent`, its inbound count of that window in the same statement."""
        if recent is None:
            row: Any = self._session.connection().execute(_SELECT_FOR_UPDATE, {"b_phone": phone}).first()
        else:
            values = {"b_phone": phone, "b_since": recent.since, "b_limit": recent.at_most}
            row = self._session.connection().execute(_SELECT_WITH_RECENT, values).first()
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
            recent_inbound=None if recent is None else int(row.recent_inbound),
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
