"""Counts behind the abuse budgets: one-time codes per number, per registrant and per hour; inbound rates.

Codes are counted under one transaction-scoped lock (an advisory lock on PostgreSQL; SQLite
writers are serialised already by BEGIN IMMEDIATE), so concurrent registrations cannot both
see room for the last code.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import bindparam, func, literal_column, text, update
from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from dialogs.limits import CodeUsage
from dialogs.otp import BUDGET_KIND
from models.tables import Message

_COUNTING: dict[tuple[bool, bool, int | None], Any] = {}  # built once: building one per message costs more


def _counting(by_phone: bool, by_status: bool, at_most: int | None) -> Any:
    """SELECT count(*) of recent inbound messages, bounded by `at_most` when given.

    The bound is written into the SQL rather than bound, as in `models.repositories.contacts`, where
    a LIMIT parameter made PostgreSQL plan the statement on every run; the bounds are the few
    configured limits, so there are a few statements.
    """
    key = (by_phone, by_status, at_most)
    if key not in _COUNTING:
        m = Message.__table__  # type: ignore[attr-defined]
        rows = sa_select(m.c.id).where(m.c.direction == "in", m.c.created_at >= bindparam("b_since"))
        if by_phone:
            rows = rows.where(m.c.phone == bindparam("b_phone"))
        if by_status:
            rows = rows.where(m.c.status == bindparam("b_status"))
        if at_most is not None:
            rows = rows.limit(literal_column(str(int(at_most))))
        _COUNTING[key] = sa_select(func.count()).select_from(rows.subquery())
    return _COUNTING[key]


RECOUNT = timedelta(seconds=1)  # how stale the service's count may be while far below its budget
_LAST_COUNT: WeakKeyDictionary[Any, tuple[datetime, int]] = WeakKeyDictionary()  # engine -> (when, count)

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

    def service_busy(self, per_minute: int, now: datetime) -> bool:
        """Whether the whole service has had `per_minute` inbound messages in the minute before `now`.

        The last minute is counted at most once a second per engine; in between, this process adds its
        own messages to that count. Counting on every message cost more than the message itself at
        hundreds a second (up to `per_minute` rows each time once the service is half way to its
        budget), and the other processes' messages of that second show at the next count: a second
        late on a one-minute budget.
        """
        engine = self._session.get_bind()
        last = _LAST_COUNT.get(engine)
        if last is not None and timedelta(0) <= now - last[0] < RECOUNT:
            count = last[1] + 1  # the previous message of this process, stored since: never under its own
            _LAST_COUNT[engine] = (last[0], count)
            return count >= per_minute
        count = self.inbound_since(None, now - timedelta(minutes=1), at_most=per_minute)
        _LAST_COUNT[engine] = (now, count)
        return count >= per_minute

    def inbound_since(
        self, phone: str | None, since: datetime, status: str | None = None, at_most: int | None = None
    ) -> int:
        """Inbound messages since `since`, from `phone` (None: from everyone), with `status` when given;
        counted up to `at_most` (a budget only needs to know whether it is spent, not by how much)."""
        statement = _counting(phone is not None, status is not None, at_most)
        values = {"b_since": since, "b_phone": phone, "b_status": status}
        return int(self._session.connection().execute(statement, values).scalar_one())
