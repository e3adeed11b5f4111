"""Inbound messages a channel refused (a sender that is no phone number): kept, never a conversation."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session

from models.scheduled import insert_ignoring
from models.tables import Message
from sms_gateway.wire import InboundSms

PHONE_LENGTH = 20  # Message.phone
BODY_LENGTH = 1600
REASON_LENGTH = 300  # Message.error


def store_rejected(db: Engine, sms: InboundSms, reason: str, now: datetime) -> None:
    """One row with status "rejected"; a retried delivery (same provider id) is kept once."""
    row = {
        "direction": "in",
        "phone": sms.phone[:PHONE_LENGTH],
        "body": sms.body[:BODY_LENGTH],
        "created_at": now,
        "channel": sms.channel,
        "kind": "inbound",
        "status": "rejected",
        "provider_sid": sms.provider_sid,
        "error": f"rejected: {reason}"[:REASON_LENGTH],
        "priority": 0,
        "sensitive": False,
        "segments": 1,
        "attempts": 0,
    }
    with Session(db) as session:
        session.execute(insert_ignoring(session, Message, "provider_sid").values(row))
        session.commit()
