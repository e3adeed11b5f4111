"""Every SMS in and out: inbound rows, replies and the outbox queue (Core statements, built once)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, insert, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from dialogs.effects import SendSms
from dialogs.text import segments
from models.redact import redact
from models.tables import Message

MESSAGES = Message.__table__  # type: ignore[attr-defined]
MAX_BODY = 1600
# Built once: building a statement per message costs more than running it.
_LINK_PATIENT = update(MESSAGES).where(MESSAGES.c.id == bindparam("b_id"))
_INSERT = insert(MESSAGES)
_QUEUE = insert(MESSAGES).returning(MESSAGES.c.id)
_QUEUE_MANY = insert(MESSAGES).returning(MESSAGES.c.id, sort_by_parameter_order=True)
# INSERT ... ON CONFLICT (provider_sid) DO NOTHING RETURNING id: nothing returned = a retried delivery.
_INSERT_INBOUND = {
    "postgresql": postgresql.insert(MESSAGES).on_conflict_do_nothing(index_elements=["provider_sid"]),
    "sqlite": sqlite.insert(MESSAGES).on_conflict_do_nothing(index_elements=["provider_sid"]),
}
_INSERT_INBOUND_RETURNING = {name: statement.returning(MESSAGES.c.id) for name, statement in _INSERT_INBOUND.items()}


class SqlMessages:
    def __init__(self, session: Session) -> None:
        self._session = session
        self._dialect = session.get_bind().dialect.name

    def add_inbound(
        self,
        *,
        phone: str,
        text: str,
        channel: str,
        provider_sid: str,
        patient_id: int | None,
        replied: bool,
        secret: bool,
        now: datetime,
        status: str | None = None,
    ) -> int | None:
        """Store an inbound message; None when its provider id is stored already (a retried delivery).

        A `secret` text (it may hold a one-time code) is stored redacted; `status` overrides
        received/replied (e.g. "limited": stored, not acted on).
        """
        values = {
            "direction": "in",
            "phone": phone,
            "body": redact(text) if secret else text,
            "created_at": now,
            "channel": channel,
            "kind": "inbound",
            "provider_sid": provider_sid,
            "segments": segments(text),
            "patient_id": patient_id,
            "status": status or ("replied" if replied else "received"),
        }
        inserted: Any = self._session.connection().execute(_INSERT_INBOUND_RETURNING[self._dialect], values)
        return inserted.scalar()  # type: ignore[no-any-return]

    def link_patient(self, message_id: int, patient_id: int | None) -> None:
        """The patient a message concerns, known only once its effects were applied."""
        self._session.connection().execute(_LINK_PATIENT, {"b_id": message_id, "patient_id": patient_id})

    def add_reply(
        self,
        *,
        to_id: int,
        phone: str,
        body: str,
        channel: str,
        patient_id: int | None,
        now: datetime,
        queued: bool = False,
    ) -> int | None:
        """The reply to an inbound message: sent with the channel's answer, or `queued` in the outbox
        (a channel that answers nothing back); the outbox id when queued."""
        values = {
            "direction": "out",
            "phone": phone,
            "body": body,
            "created_at": now,
            "channel": channel,
            "kind": "reply",
            "status": "queued" if queued else "sent",
            "in_reply_to": to_id,
            "patient_id": patient_id,
            "segments": segments(body),
            "sent_at": None if queued else now,
        }
        if queued:
            return int(self._session.connection().execute(_QUEUE, values).scalar_one())
        self._session.connection().execute(_INSERT, values)
        return None

    def queue(self, effect: SendSms, patient_id: int | None, now: datetime) -> int:
        """Queue one SMS in the outbox; returns its id."""
        return int(self._session.connection().execute(_QUEUE, queued(effect, patient_id, now)).scalar_one())

    def queue_many(self, items: Sequence[tuple[SendSms, int | None]], now: datetime) -> list[int]:
        """Queue many SMS in one statement (a file import's welcomes); their ids, in order."""
        if not items:
            return []
        rows = [queued(effect, patient_id, now) for effect, patient_id in items]
        return [row.id for row in self._session.connection().execute(_QUEUE_MANY, rows)]

    def reply_to(self, provider_sid: str) -> str | None:
        """The reply already given to an inbound message ("" for none; None: no such message)."""
        inbound = self._session.exec(select(Message.id).where(Message.provider_sid == provider_sid)).first()
        if inbound is None:
            return None
        query = select(Message.body).where(Message.in_reply_to == inbound, Message.kind == "reply")
        return self._session.exec(query).first() or ""

    def otp_sent_since(self, phone: str, since: datetime) -> int:
        """One-time codes sent to `phone` since `since`."""
        query = select(func.count()).where(
            Message.phone == phone, Message.kind == "otp", Message.direction == "out", Message.created_at >= since
        )
        return int(self._session.exec(query).one())

    def add_failed(self, *, phone: str, body: str, channel: str, provider_sid: str | None, now: datetime) -> None:
        """Keep an inbound message the service failed on, for replay."""
        failed = Message(
            direction="in",
            phone=phone[:20],
            body=body[:MAX_BODY],
            created_at=now,
            channel=channel,
            kind="inbound",
            status="error",
            provider_sid=provider_sid,
        )
        self._session.add(failed)


def outbox(session: Session, to: str | None = None, limit: int = 50, failed: bool = False) -> list[Message]:
    """The latest outbound messages, newest first (the operator's `f0care outbox`)."""
    query = select(Message).where(Message.direction == "out")
    if to:
        query = query.where(Message.phone == to)
    if failed:
        query = query.where(col(Message.status).in_(("failed", "undelivered")))
    return list(session.exec(query.order_by(col(Message.id).desc()).limit(limit)))


def queued(effect: SendSms, patient_id: int | None, now: datetime) -> dict[str, Any]:
    """The outbox row of an SMS to send (bulk ones after alerts, codes and replies)."""
    return {
        "direction": "out",
        "phone": effect.to,
        "body": effect.text,
        "created_at": now,
        "patient_id": patient_id,
        "kind": effect.kind,
        "status": "queued",
        "sensitive": effect.sensitive,
        "segments": segments(effect.text),
        "priority": 1 if effect.bulk else 0,
    }
