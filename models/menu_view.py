"""What a USSD screen needs to know of the phone, read in one statement, without locking or writing.

Every screen of a session reads the phone's contact (language, conversation), its live patients
and the reply already stored for the post (a repeated post): one round trip to the database for
all three, since a screen is read far more often than anything is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import String, and_, bindparam, select
from sqlalchemy.engine import Engine

from models.db import reading
from models.records import ContactRow, PatientRef, view_of
from models.repositories.contacts import CONTACTS
from models.repositories.messages import MESSAGES
from models.repositories.patients import LIVE, PATIENTS, VIEW_COLUMNS

_INBOUND, _REPLY = MESSAGES.alias("inbound"), MESSAGES.alias("reply")
_ASKED = select(bindparam("b_phone", type_=String).label("phone")).subquery("asked")
_INBOUND_ID = select(_INBOUND.c.id).where(_INBOUND.c.provider_sid == bindparam("b_sid", type_=String))
_REPLY_BODY = select(_REPLY.c.body).where(
    _REPLY.c.in_reply_to == _INBOUND_ID.scalar_subquery(), _REPLY.c.kind == "reply"
)
# Built once: a row per live patient (one row with NULL patient columns when there is none).
_VIEW = (
    select(
        CONTACTS.c.phone.label("c_phone"),
        CONTACTS.c.language.label("c_language"),
        CONTACTS.c.opted_out.label("c_opted_out"),
        CONTACTS.c.opted_out_at.label("c_opted_out_at"),
        CONTACTS.c.state.label("c_state"),
        CONTACTS.c.state_data.label("c_state_data"),
        CONTACTS.c.state_updated_at.label("c_state_updated_at"),
        _INBOUND_ID.scalar_subquery().label("r_id"),
        _REPLY_BODY.limit(1).scalar_subquery().label("r_body"),
        *(PATIENTS.c[name] for name in VIEW_COLUMNS),
    )
    .select_from(
        _ASKED.outerjoin(CONTACTS, CONTACTS.c.phone == _ASKED.c.phone).outerjoin(
            PATIENTS, and_(PATIENTS.c.phone == _ASKED.c.phone, PATIENTS.c.status.in_(LIVE))
        )
    )
    .order_by(PATIENTS.c.id)
)


@dataclass(frozen=True)
class PhoneView:
    contact: ContactRow
    patients: list[PatientRef] = field(default_factory=list)
    reply: str | None = None  # the reply stored for this very post (a repeated post); None: not handled yet


def phone_view(engine: Engine, phone: str, language: str, provider_sid: str | None) -> PhoneView:
    """The phone's contact and live patients, and the reply already given to the post `provider_sid`."""
    connection = reading(engine)
    if engine.dialect.name == "postgresql":
        # One read, consistent on its own: no BEGIN and ROLLBACK round trips around it.
        connection = connection.execution_options(isolation_level="AUTOCOMMIT")
    with connection:
        rows = connection.execute(_VIEW, {"b_phone": phone, "b_sid": provider_sid}).all()
    first = rows[0]
    reply = (first.r_body or "") if first.r_id is not None else None
    patients = [PatientRef(row.id, view_of(row)) for row in rows if row.id is not None]
    return PhoneView(_contact(first, phone, language), patients, reply)


def _contact(row: Any, phone: str, language: str) -> ContactRow:
    if row.c_phone is None:
        return ContactRow(phone=phone, language=language)
    return ContactRow(
        phone=row.c_phone,
        language=row.c_language,
        opted_out=row.c_opted_out,
        opted_out_at=row.c_opted_out_at,
        state=row.c_state,
        state_data=dict(row.c_state_data or {}),
        state_updated_at=row.c_state_updated_at,
        stored=True,
    )
