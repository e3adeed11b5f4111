"""Counts behind the abuse budgets: one-time codes per number, per registrant and per hour; inbound rates.

Codes are counted under one transaction-scoped lock (an advisory lock on PostgreSQL; SQLite
writers are serialised already by BEGIN IMMEDIATE), so concurrent registrations cannot both
see room for the last code.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import bindparam, func, text, update
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from dialogs.limits import CodeUsage
from dialogs.otp import BUDGET_KIND
from models.tables import Message

MESSAGES = Message.__table__  # type: ignore[attr-defined]
CODES_LOCK = 0x0F0C0DE5  # pg_advisory_xact_lock key: one issuer of one-time codes at a time
_LINK = update(MESSAGES).where(MESSAGES.c.id.in_(bindparam("ids", expanding=True)), MESSAGES.c.kind == "otp")


class SqlBudgets:
    def __init__(self, session: Session) -> None:
        self._session = session
        self._dialect = session.get_bind().dialect.name

    def lock_codes(self) -> None:
        """Hold the code issuers' lock until the transaction ends (PostgreSQL; SQLite holds the writer lock)."""
        if self._dialect == "postgresql":
            self._session.connection().execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CODES_LOCK})

    def code_usage(self, registrant: str, target: str, midnight: datetime, hour_ago: datetime) -> CodeUsage:
        """What the budgets of one code to `target` asked by `registrant` depend on."""
        otp = (col(Message.kind) == "otp", col(Message.direction) == "out")
        to_target = select(func.count()).where(*otp, Message.phone == target, Message.created_at >= midnight)
        last_hour = select(func.count()).where(*otp, Message.created_at >= hour_ago)
        told = select(func.count()).where(Message.kind == BUDGET_KIND, Message.created_at >= hour_ago)
        asked = aliased(Message)
        others = (
            select(Message.phone)
            .join(asked, col(asked.id) == col(Message.in_reply_to))
            .where(*otp, asked.phone == registrant, Message.phone != registrant, Message.created_at >= midnight)
            .distinct()
        )
        return CodeUsage(
            to_target_today=int(self._session.exec(to_target).one()),
            other_numbers_today=tuple(sorted(self._session.exec(others).all())),
            service_last_hour=int(self._session.exec(last_hour).one()),
            supervisors_told=int(self._session.exec(told).one()) > 0,
        )

    def link_queued(self, inbound_id: int, queued: Sequence[int]) -> None:
        """The codes queued because of an inbound message point to it: who asked for each code."""
        if queued:
            self._session.connection().execute(_LINK, {"ids": list(queued), "in_reply_to": inbound_id})

    def inbound_since(self, phone: str | None, since: datetime, status: str | None = None) -> int:
        """Inbound messages since `since`, from `phone` (None: from everyone), with `status` when given."""
        query = select(func.count()).where(Message.direction == "in", Message.created_at >= since)
        if phone is not None:
            query = query.where(Message.phone == phone)
        if status is not None:
            query = query.where(Message.status == status)
        return int(self._session.exec(query).one())
