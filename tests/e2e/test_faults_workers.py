"""Fault tests for outbound delivery: real `f0care worker` processes, the twilio provider pointed at
a Twilio-compatible stub on loopback.

- Two workers on one outbox of thousands of messages (PostgreSQL; a smaller one on SQLite): each
  message reaches the provider exactly once and is recorded as sent with the provider's sid.
- A provider outage (500s, then 429s with Retry-After) and its recovery: every message is
  delivered exactly once afterwards, after the wait the provider asked for.

The outbox is filled by inserting queued rows directly, as the web tier leaves them.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert
from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool
from sqlmodel import Session, col, select

from models.db import make_engine
from models.tables import Message
from tests.support.databases import schema_database
from tests.support.processes import Proc, Processes
from tests.support.service import ACCOUNT_SID, AUTH_TOKEN, SERVICE_NUMBER, start_worker, twilio_gateway, write_config
from tests.support.twilio_stub import TwilioStub

pytestmark = pytest.mark.e2e

PUBLIC_URL = "http://127.0.0.1:9"  # never called: only the StatusCallback the worker passes to Twilio
DRAIN_TIMEOUT = 180.0  # generous: CI machines may be busy; normally ~15 s
STARTUP_TIMEOUT = 30.0
RETRY = {"max_attempts": 10, "base_seconds": 0.2, "max_seconds": 5}
POSTGRES = pytest.param("postgres", marks=pytest.mark.postgres)


@pytest.fixture
def stub() -> Iterator[TwilioStub]:
    with TwilioStub(ACCOUNT_SID, AUTH_TOKEN) as running:
        yield running


def open_outbox(stack: ExitStack, kind: str, tmp_path: Path, procs: Processes) -> tuple[str, Engine]:
    """A fresh database (URL, engine); the workers are stopped before it is dropped."""
    url = stack.enter_context(schema_database(kind, tmp_path))
    stack.callback(procs.stop_all)
    db = make_engine(url, poolclass=NullPool)
    stack.callback(db.dispose)
    return url, db


@contextmanager
def first_claims_at_once(db: Engine, workers: list[Proc], count: int) -> Iterator[None]:
    """PostgreSQL: the outbox table stays locked while the workers start, so their first claims race.

    Without it two workers started together rarely claim at the same instant, and a claim
    that does not skip rows locked by another sender would usually go unnoticed.
    """
    if db.dialect.name != "postgresql":
        yield
        return
    with db.connect() as holder:
        holder.exec_driver_sql("LOCK TABLE message IN ACCESS EXCLUSIVE MODE")
        yield
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while blocked(db) < count:
            for worker in workers:
                worker.check_alive()
            assert time.monotonic() < deadline, f"{count} workers did not reach the locked outbox in time"
            time.sleep(0.05)  # process start-up only
        holder.commit()


def blocked(db: Engine) -> int:
    """Sessions of this database waiting for a lock (a fresh transaction: pg_stat_activity is a snapshot)."""
    query = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
    with db.connect() as conn:
        return int(conn.exec_driver_sql(query).scalar_one())


def fill_outbox(db: Engine, count: int) -> set[tuple[str, str]]:
    """`count` queued notices to 250 phones, each text different; the (To, Body) pairs."""
    now = datetime.now(UTC)
    rows: list[dict[str, Any]] = [
        {
            "direction": "out",
            "phone": f"+84987{i % 250:06d}",
            "body": f"Thong bao {i:05d}: tram y te se goi cho ban trong hom nay",
            "created_at": now,
            "kind": "notice",
            "status": "queued",
            "segments": 1,
            "attempts": 0,
            "sensitive": False,
            "channel": "sms",
        }
        for i in range(count)
    ]
    with Session(db) as session:
        session.execute(insert(Message), rows)
        session.commit()
    return {(row["phone"], row["body"]) for row in rows}


def drain(db: Engine, workers: list[Proc]) -> set[str]:
    """Poll until no message is queued or being sent; the names of the senders seen holding claims."""
    deadline = time.monotonic() + DRAIN_TIMEOUT
    claimers: set[str] = set()
    left = -1
    while time.monotonic() < deadline:
        for worker in workers:
            worker.check_alive()
        with Session(db) as session:
            busy = session.exec(
                select(Message.status, Message.claimed_by).where(col(Message.status).in_(("queued", "sending")))
            )
            rows = busy.all()
        claimers.update(name for status, name in rows if status == "sending" and name)
        left = len(rows)
        if not left:
            return claimers
        time.sleep(0.05)  # a short poll of the outbox
    pytest.fail(f"{left} message(s) still in the outbox after {DRAIN_TIMEOUT:g} s")


def assert_each_sent_once(db: Engine, stub: TwilioStub, wanted: set[tuple[str, str]]) -> list[Message]:
    """The provider got each message exactly once, and each row is `sent` with the provider's sid."""
    received = stub.messages
    counts = Counter((m["To"], m["Body"]) for m in received)
    doubled = {key: n for key, n in counts.items() if n > 1}
    assert not doubled, f"{len(doubled)} message(s) sent more than once, e.g. {next(iter(doubled.items()))}"
    assert set(counts) == wanted, f"missing {len(wanted - set(counts))}, unexpected {len(set(counts) - wanted)}"
    assert {m["From"] for m in received} == {SERVICE_NUMBER}
    assert {m["StatusCallback"] for m in received} == {PUBLIC_URL + "/sms/twilio/status"}
    sid_of = {(m["To"], m["Body"]): m["sid"] for m in received}
    with Session(db) as session:
        rows = list(session.exec(select(Message).where(Message.direction == "out").order_by(col(Message.id))))
    assert Counter(m.status for m in rows) == {"sent": len(wanted)}
    for row in rows:
        assert row.provider_sid == sid_of[(row.phone, row.body)], row
        assert row.sent_at is not None, row
        assert row.claimed_by is None, row
    return rows


@pytest.mark.parametrize(
    ("kind", "count"), [pytest.param("postgres", 2_000, marks=pytest.mark.postgres), ("sqlite", 500)]
)
def test_two_workers_send_each_message_of_a_large_outbox_exactly_once(
    stub: TwilioStub, procs: Processes, tmp_path: Path, kind: str, count: int
) -> None:
    with ExitStack() as stack:
        url, db = open_outbox(stack, kind, tmp_path, procs)
        wanted = fill_outbox(db, count)
        config = write_config(tmp_path, url, PUBLIC_URL, twilio_gateway(stub.url, max_per_second=100_000, retry=RETRY))

        workers: list[Proc] = []
        with first_claims_at_once(db, workers, 2):
            workers.append(start_worker(procs, config, "worker-1"))
            workers.append(start_worker(procs, config, "worker-2"))
        claimers = drain(db, workers)
        codes = [worker.stop() for worker in workers]

        assert codes == [0, 0], "a worker asked to stop (SIGTERM) finishes its batch and exits cleanly"
        assert len(claimers) == 2, f"both workers should have claimed work: {claimers}"
        rows = assert_each_sent_once(db, stub, wanted)
        assert sum(row.attempts for row in rows) == count, "no message was tried twice"


@pytest.mark.parametrize("kind", ["sqlite", POSTGRES])
def test_a_provider_outage_then_recovery_delivers_every_message_exactly_once(
    stub: TwilioStub, procs: Processes, tmp_path: Path, kind: str
) -> None:
    count, errors, throttled = 60, 25, 15
    with ExitStack() as stack:
        url, db = open_outbox(stack, kind, tmp_path, procs)
        wanted = fill_outbox(db, count)
        config = write_config(tmp_path, url, PUBLIC_URL, twilio_gateway(stub.url, max_per_second=100_000, retry=RETRY))
        stub.fail_next(errors, status=500)
        stub.fail_next(throttled, status=429, retry_after=1)

        worker = start_worker(procs, config, "worker")
        drain(db, [worker])
        assert worker.stop() == 0

        rows = assert_each_sent_once(db, stub, wanted)
        assert sum(row.attempts for row in rows) == count + errors + throttled, "one retry per failed attempt"
        # One sender works in id order: the first 40 requests were the first 40 messages, each failing once.
        faults = stub.failed
        assert [status for _, status in faults] == [500] * errors + [429] * throttled
        accepted_at = {(a.to, a.form["Body"]): a.at for a in stub.accepted() if a.form}
        for row, (failed_at, status) in zip(rows, faults, strict=False):
            assert row.attempts == 2, row
            waited = accepted_at[(row.phone, row.body)] - failed_at
            if status == 429:
                assert waited >= 1.0, f"Retry-After: 1 not honoured: sent again {waited:.2f} s after the 429"
        assert all(row.attempts == 1 for row in rows[errors + throttled :])
