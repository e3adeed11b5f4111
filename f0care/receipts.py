"""Delivery receipts: a provider's status for a sent message, which only ever moves forward."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from models.tables import Message

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


def record_status(db: Engine, provider_sid: str, status: str, error_code: int | None) -> bool:
    """Apply a receipt; False when the message is unknown or the status is not news."""
    if status not in RANK:
        return False
    with Session(db) as session:
        message = session.exec(select(Message).where(Message.provider_sid == provider_sid)).first()
        if message is None or message.direction != "out":
            return False
        if RANK[status] <= RANK.get(message.status, 0):
            return False
        message.status = status
        if error_code is not None:
            message.error_code = error_code
        session.add(message)
        session.commit()
        return True
