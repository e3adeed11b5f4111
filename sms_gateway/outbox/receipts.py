"""Delivery receipts: a provider's status for a sent message, which only ever moves forward."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

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
    """Apply a receipt in one conditional UPDATE; False when the message is unknown or it is not news."""
    if status not in RANK:
        return False
    behind = [name for name, rank in RANK.items() if rank < RANK[status]]
    values: dict[str, object] = {"status": status}
    if error_code is not None:
        values["error_code"] = error_code
    with Session(db) as session:
        result = session.execute(
            update(Message)
            .where(
                col(Message.provider_sid) == provider_sid,
                col(Message.direction) == "out",
                col(Message.status).in_(behind),
            )
            .values(**values)
        )
        session.commit()
        return bool(getattr(result, "rowcount", 0))
