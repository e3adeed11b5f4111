"""A phone's contact (its conversation and preferences): Core statements, read FOR UPDATE."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import Select, bindparam, insert, literal_column, select, update
from sqlmodel import Session

from models.records import ContactRow, InboundWindow
from models.tables import Contact, Message

CONTACTS = Contact.__table__  # type: ignore[attr-defined]
MESSAGES = Message.__table__  # type: ignore[attr-defined]
_PHONE = CONTACTS.c.phone == bindparam("b_phone")
# The webhook's statements, built once: building one per call costs more than running it.
_SELECT_FOR_UPDATE = select(CONTACTS).where(_PHONE).with_for_update()


@lru_cache(maxsize=8)  # one per configured limit
def _select_with_nth(at_most: int) -> Select[Any]:
    """The row, and when the phone sent its `at_most`-th latest inbound message (the per-phone
    limit): one statement fewer on every message (issue 10's benchmark).

    The window's start is compared in Python, not in SQL, and the offset is written into the SQL, so
    the only parameter is the phone. The first form, a count bounded by a LIMIT parameter since a
    window-start parameter, was planned again by PostgreSQL on every message: 0.57 ms a read where
    the plain read took 0.20 ms (one transaction); this form takes 0.47 ms against 0.39 ms for the
    plain read, each in a transaction of its own (`docs/benchmarks.md`, fourth round).
    """
    nth = (
        select(MESSAGES.c.created_at)
        .where(MESSAGES.c.phone == bindparam("b_phone"), MESSAGES.c.direction == literal_column("'in'"))
        .order_by(MESSAGES.c.created_at.desc())
        .limit(literal_column("1"))
        .offset(literal_column(str(max(0, int(at_most) - 1))))
        .scalar_subquery()
    )
    return select(CONTACTS, nth.label("nth_inbound_at")).where(_PHONE).with_for_update(of=CONTACTS)


_UPDATE = update(CONTACTS).where(_PHONE)
_INSERT = insert(CONTACTS)


class SqlContacts:
    def __init__(self, session: Session) -> None:
        self._session = session

    def for_update(self, phone: str, language: str, recent: InboundWindow | None = None) -> ContactRow:
        """The phone's contact, locked for this transaction (new, unsaved, on first contact); with
        `recent`, whether the phone filled that window, read in the same statement."""
        if recent is None:
            row: Any = self._session.connection().execute(_SELECT_FOR_UPDATE, {"b_phone": phone}).first()
        else:
            row = self._session.connection().execute(_select_with_nth(recent.at_most), {"b_phone": phone}).first()
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
            window_full=None if recent is None else _since(row.nth_inbound_at, recent.since),
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


def _since(moment: datetime | None, start: datetime) -> bool:
    return moment is not None and moment >= start
