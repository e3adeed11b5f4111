"""The contact read of every inbound message also counts the phone's recent inbound messages (the
per-phone limit), in the same statement, on both databases: one statement fewer a message."""

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


def test_the_count_comes_with_the_row_bounded_and_only_of_the_window(db: Engine) -> None:
    with SqlUnitOfWork(db) as uow:
        uow.contacts.save(ContactRow(phone=PHONE, language="vi"))
        last = [_inbound(uow, PHONE, minutes_ago) for minutes_ago in (15, 4, 3, 2, 1)][-1]  # four in ten minutes
        _inbound(uow, OTHER, 1)  # another phone's
        uow.messages.add_reply(to_id=last, phone=PHONE, body="OK", channel="sms", patient_id=None, now=T0, queued=False)
        uow.commit()

    contact, selects = _statements(db, InboundWindow(T0 - timedelta(minutes=10), at_most=30))
    assert (contact.stored, contact.recent_inbound) == (True, 4)
    assert len(selects) == 1  # one statement: the row and its count

    bounded, _ = _statements(db, InboundWindow(T0 - timedelta(minutes=10), at_most=3))
    assert bounded.recent_inbound == 3  # a limit only asks whether it is spent

    plain, _ = _statements(db, None)
    assert (plain.stored, plain.recent_inbound) == (True, None)


def test_a_phone_without_a_row_has_no_count_from_the_read(db: Engine) -> None:
    """The service then counts on its own (`f0care.service.limits.check`): a first message, or a purged contact."""
    with SqlUnitOfWork(db) as uow:
        _inbound(uow, PHONE, 1)
        uow.commit()
    contact, _ = _statements(db, InboundWindow(T0 - timedelta(minutes=10), at_most=30))
    assert (contact.stored, contact.recent_inbound) == (False, None)
