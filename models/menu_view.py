"""What a USSD screen needs to know of the phone, read without locking or writing anything."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.engine import Engine
from sqlmodel import Session

from models.db import reading
from models.records import ContactRow, PatientRef
from models.repositories.contacts import SqlContacts
from models.repositories.messages import SqlMessages
from models.repositories.patients import SqlPatients


@dataclass(frozen=True)
class PhoneView:
    contact: ContactRow
    patients: list[PatientRef] = field(default_factory=list)
    reply: str | None = None  # the reply stored for this very post (a repeated post); None: not handled yet


def phone_view(engine: Engine, phone: str, language: str, provider_sid: str) -> PhoneView:
    """The phone's contact and live patients, or the reply already given to the post `provider_sid`."""
    with reading(engine) as connection, Session(bind=connection) as session:
        reply = SqlMessages(session).reply_to(provider_sid)
        if reply is not None:
            return PhoneView(ContactRow(phone=phone, language=language), reply=reply)
        contact = SqlContacts(session).read(phone, language)
        return PhoneView(contact, SqlPatients(session).live_on_phone(phone))
