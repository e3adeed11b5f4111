"""The contact read of every inbound message also tells whether the phone filled its inbound window
(the per-phone limit), in the same statement, on both databases: one statement fewer a message."""

from __future__ import annotations

import itertools
from datetime import timedelta

from sqlalchemy import event
from sqlalchemy.engine import Engine

from models.records import ContactRow, InboundWindow
from models.uow import SqlUnitOfWork
from tests.conftest import T0

PHONE, OTHER = "+84912345678", "+84987654321"
_sids = itertools.count(1)


def _inbound(uow: SqlUnitOfWork, phone: str, minutes_ago: int) -> int:
    stored = uow.messages.add_inbound(
        phone=phone,
        text="98 18 80 37 0 0",
        channel="sms",
        provider_sid=f"SM{next(_sids):032d}",
        patient_id=None,
        replied=True,
        secret=False,
        now=T0 - timedelta(minutes=minutes_ago),
    )
    assert stored is not None
    return stored


def _statements(db: Engine, read: InboundWindow | None) -> tuple[ContactRow, list[str]]:
    seen: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        seen.append(statement)

    event.listen(db, "before_cursor_execute", count)
    try:
        with SqlUnitOfWork(db) as uow:
            contact = uow.contacts.for_update(PHONE, "vi", read)
    finally:
        event.remove(db, "before_cursor_execute", count)
    return contact, [s for s in seen if s.lstrip().upper().startswith("SELECT")]


def test_whether_the_window_is_full_comes_with_the_row_and_counts_only_the_window(db: Engine) -> None:
    with SqlUnitOfWork(db) as uow:
        uow.contacts.save(ContactRow(phone=PHONE, language="vi"))
        last = [_inbound(uow, PHONE, minutes_ago) for minutes_ago in (15, 4, 3, 2, 1)][-1]  # four in ten minutes
        _inbound(uow, OTHER, 1)  # another phone's
        uow.messages.add_reply(to_id=last, phone=PHONE, body="OK", channel="sms", patient_id=None, now=T0, queued=False)
        uow.commit()
    since = T0 - timedelta(minutes=10)

    four, selects = _statements(db, InboundWindow(since, at_most=4))
    assert (four.stored, four.window_full) == (True, True)
    assert len(selects) == 1  # one statement: the row and the window

    five, _ = _statements(db, InboundWindow(since, at_most=5))  # the fifth is 15 minutes old
    assert five.window_full is False
    six, _ = _statements(db, InboundWindow(since, at_most=6))  # not six messages at all: no reply counted
    assert six.window_full is False
    older, _ = _statements(db, InboundWindow(T0 - timedelta(minutes=20), at_most=5))
    assert older.window_full is True

    plain, _ = _statements(db, None)
    assert (plain.stored, plain.window_full) == (True, None)


def test_a_phone_without_a_row_is_not_read_for_its_window(db: Engine) -> None:
    """The service then counts on its own (`f0care.service.limits.check`): a first message, or a purged contact."""
    with SqlUnitOfWork(db) as uow:
        _inbound(uow, PHONE, 1)
        uow.commit()
    contact, _ = _statements(db, InboundWindow(T0 - timedelta(minutes=10), at_most=1))
    assert (contact.stored, contact.window_full) == (False, None)
