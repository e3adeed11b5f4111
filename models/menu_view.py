"""What a USSD screen needs to know of the phone, read without locking or writing anything."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import and_, bindparam, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from models.db import reading
from models.records import ContactRow, PatientRef
from models.repositories.contacts import SqlContacts
from models.repositories.messages import MESSAGES
from models.repositories.patients import SqlPatients

_INBOUND, _REPLY = MESSAGES.alias("inbound"), MESSAGES.alias("reply")
# The reply given to the request a post completes, in one statement built once: "" for none, no row: not yet.
_REPLY_TO = (
    select(_INBOUND.c.id, _REPLY.c.body)
    .outerjoin(_REPLY, and_(_REPLY.c.in_reply_to == _INBOUND.c.id, _REPLY.c.kind == "reply"))
    .where(_INBOUND.c.provider_sid == bindparam("b_sid"))
    .limit(1)
)


@dataclass(frozen=True)
class PhoneView:
    contact: ContactRow
    patients: list[PatientRef] = field(default_factory=list)
    reply: str | None = None  # the reply stored for this very post (a repeated post); None: not handled yet


def phone_view(engine: Engine, phone: str, language: str, provider_sid: str | None) -> PhoneView:
    """The phone's contact and live patients, or the reply already given to the post `provider_sid`."""
    connection = reading(engine)
    if engine.dialect.name == "postgresql":
        # Three reads by key, each consistent on its own: no BEGIN and ROLLBACK round trips around them.
        connection = connection.execution_options(isolation_level="AUTOCOMMIT")
    with connection, Session(bind=connection) as session:
        stored = connection.execute(_REPLY_TO, {"b_sid": provider_sid}).first() if provider_sid else None
        if stored is not None:
            return PhoneView(ContactRow(phone=phone, language=language), reply=stored.body or "")
        contact = SqlContacts(session).read(phone, language)
        return PhoneView(contact, SqlPatients(session).live_on_phone(phone))
