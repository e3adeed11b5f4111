"""Delivery receipts: a provider's status for a sent message, which only ever moves forward.

A receipt that says a number cannot be reached acts on it: 21610 (the recipient sent STOP to the
provider) opts the number out as an inbound STOP would; 30003-30008 (unreachable, blocked,
unknown, filtered, landline or unknown error) flag its patients "call needed" for the station.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from models.scheduled import insert_ignoring
from models.tables import Contact, Message, Patient
from sms_gateway.outbox.rules import OPTED_OUT

# Receipts arrive out of order; a later rank never goes back to an earlier one.
RANK = {
    "queued": 0,
    "accepted": 1,
    "sending": 2,
    "sent": 3,
    "delivered": 4,
    "read": 5,
    "undelivered": 6,
    "failed": 6,
}
UNREACHABLE = range(30003, 30009)  # Twilio's carrier errors: another SMS will not get through either
NOT_DELIVERED = frozenset({"undelivered", "failed"})


def record_status(db: Engine, provider_sid: str, status: str, error_code: int | None, now: datetime) -> bool:
    """Apply a receipt in one conditional UPDATE (and act on its error); False when unknown or not news."""
    if status not in RANK:
        return False
    behind = [name for name, rank in RANK.items() if rank < RANK[status]]
    values: dict[str, object] = {"status": status}
    if error_code is not None:
        values["error_code"] = error_code
    with Session(db) as session:
        phones = session.execute(
            update(Message)
            .where(
                col(Message.provider_sid) == provider_sid,
                col(Message.direction) == "out",
                col(Message.status).in_(behind),
            )
            .values(**values)
            .returning(col(Message.phone))
        ).scalars()
        phone = next(iter(phones), None)
        if phone is not None and status in NOT_DELIVERED and error_code is not None:
            act_on_error(session, phone, error_code, now)
        session.commit()
        return phone is not None


def act_on_error(session: Session, phone: str, error_code: int, now: datetime) -> None:
    """What an undeliverable message means for its number: opted out, or its patients to be phoned."""
    if error_code == OPTED_OUT:
        opt_out(session, phone, now)
    elif error_code in UNREACHABLE:
        session.execute(update(Patient).where(col(Patient.phone) == phone).values(call_needed=True))


def opt_out(session: Session, phone: str, now: datetime) -> None:
    """The number is opted out, as after an inbound STOP (its contact made if it had none)."""
    fresh = Contact(phone=phone).model_dump()
    session.execute(insert_ignoring(session, Contact, "phone").values(fresh))
    session.execute(
        update(Contact)
        .where(col(Contact.phone) == phone, col(Contact.opted_out).is_(False))
        .values(opted_out=True, opted_out_at=now)
    )
