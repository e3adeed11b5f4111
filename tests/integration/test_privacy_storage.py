"""Health data at rest: private SQLite files, no SQL parameters in errors or logs, masked provider errors,
and one outbound budget shared by every sender of a database."""

from __future__ import annotations

import io
import logging
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from f0care.logs import MaskingFilter
from models.db import create_schema, make_engine
from models.tables import Contact, Message
from sms_gateway.outbox.budget import SharedBudget
from sms_gateway.outbox.outbox import Outbox
from sms_gateway.wire import SendResult
from tests.support.fakes import Clock

PHONE = "+84912345678"
PROVIDER_ERROR = f"Unable to create record: The 'To' number {PHONE} is not a valid phone number."


@pytest.fixture
def logged() -> Iterator[io.StringIO]:
    """What the root logger writes through the masking filter (as `f0care` and gunicorn set it up)."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.addFilter(MaskingFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield out
    finally:
        root.removeHandler(handler)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_fresh_sqlite_database_its_wal_shm_and_lock_files_are_readable_by_the_owner_only(tmp_path: Path) -> None:
    previous = os.umask(0o022)  # the usual umask, under which SQLite alone makes 0644 files
    try:
        engine = make_engine(f"sqlite:///{tmp_path / 'f0care.db'}")
        create_schema(engine)
        with Session(engine) as session:
            session.add(Contact(phone=PHONE))
            session.commit()
            names = sorted(p.name for p in tmp_path.iterdir())
            modes = {p.name: mode(p) for p in tmp_path.iterdir()}
        engine.dispose()
    finally:
        os.umask(previous)
    assert names == ["f0care.db", "f0care.db-shm", "f0care.db-wal", "f0care.db.lock"]
    assert modes == dict.fromkeys(names, 0o600)


def test_a_database_error_names_no_phone_and_its_log_neither(db: Engine, logged: io.StringIO) -> None:
    with Session(db) as session:
        session.add(Contact(phone=PHONE))
        session.commit()
    with Session(db) as session:
        session.add(Contact(phone=PHONE))
        with pytest.raises(IntegrityError) as caught:
            session.commit()
    # SQLAlchemy leaves the parameters out (PostgreSQL's own DETAIL may still quote the key: masked below).
    assert "[SQL parameters hidden due to hide_parameters=True]" in str(caught.value)
    assert "Xin chao" not in str(caught.value)
    assert "'vi'" not in str(caught.value)
    try:
        raise RuntimeError("while storing") from caught.value
    except RuntimeError:
        logging.getLogger("f0care.inbound").exception("could not store the message from %s", PHONE)
    text = logged.getvalue()
    assert "IntegrityError" in text
    assert "could not store the message from +84******678" in text
    assert "912345" not in text


@dataclass
class RefusingGateway:
    """Refuses every number as Twilio does, quoting it in full."""

    def send(self, to: str, body: str, *, status_callback: str | None = None, sensitive: bool = False) -> SendResult:
        return SendResult(ok=False, error=PROVIDER_ERROR, error_code=21211, retryable=False)


def test_a_provider_error_quoting_the_full_number_is_stored_and_logged_masked(
    db: Engine, clock: Clock, logged: io.StringIO
) -> None:
    with Session(db) as session:
        message = Message(direction="out", phone=PHONE, body="Xin chao", created_at=clock.now, status="queued")
        session.add(message)
        session.commit()
        message_id = message.id
    assert Outbox(db, RefusingGateway(), clock=clock).run_once() == 1
    with Session(db) as session:
        row = session.get(Message, message_id)
    assert row is not None
    assert row.status == "failed"
    assert row.error_code == 21211
    assert row.error == "Unable to create record: The 'To' number +84******678 is not a valid phone number."
    assert "+84******678" in logged.getvalue()
    assert "912345" not in logged.getvalue()


def test_two_senders_share_one_bucket(db: Engine) -> None:
    now = [1000.0]
    first = SharedBudget(db, per_second=2, capacity=5, now=lambda: now[0])
    second = SharedBudget(db, per_second=2, capacity=5, now=lambda: now[0])
    assert first.take(4) == 4
    assert second.take(4) == 1  # what the first left
    assert first.take(1) == 0
    now[0] += 1.5
    assert second.take(10) == 3  # 1.5 s at 2 a second
    now[0] += 60
    assert first.take(10) == 5  # never more than the burst


def test_a_sender_waits_for_the_shared_bucket_to_refill(db: Engine) -> None:
    now = [1000.0]
    naps: list[float] = []

    def sleep(seconds: float) -> None:
        naps.append(seconds)
        now[0] += seconds

    other = SharedBudget(db, per_second=4, capacity=4, now=lambda: now[0])
    assert other.take(4) == 4
    budget = SharedBudget(db, per_second=4, capacity=4, now=lambda: now[0], sleep=sleep)
    budget.acquire(2)
    assert sum(naps) == pytest.approx(0.5)
