"""Issue 16 point 6 through real gunicorn workers: while the database is stopped, no inbound message
gets a 200 (a red declaration, `CUU`, a registration: all 503); once it is back, the sender's
retries (same MessageSid, as Twilio's fallback or the phone would send again) are each stored
exactly once, and the red answers raise their alert.

- SQLite: the service starts with its database file's directory missing, as if the disk were
  not mounted; the directory (with the database, an active patient in it) then appears.
- PostgreSQL: `ALTER DATABASE ... ALLOW_CONNECTIONS false` and every backend of it terminated,
  then connections allowed again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, closing, contextmanager
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, make_url
from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool
from sqlmodel import Session, col, func, select

from f0care.config import load_config
from f0care.runtime import build_runtime
from models.db import create_schema, make_engine
from models.tables import Alert, Contact, Declaration, Message
from sms_gateway.wire import InboundSms
from tests.support.databases import schema_database
from tests.support.fakes import RecordingSender
from tests.support.processes import ROOT, Processes, free_port
from tests.support.service import Gunicorn, start_gunicorn, write_config
from tests.support.webhook import Webhook, reply_text

pytestmark = pytest.mark.e2e

DOCTOR = "+84912000001"  # BS Lan, Tram Y te phuong Tran Phu
PATIENT = "+84987654321"
NEWCOMER = "+84933444555"
RED = "93 18 86 37 0 0"  # SpO2 93: red

Outage = Callable[[], AbstractContextManager[None]]


def add_active_patient(url: str) -> None:
    """The doctor registers the patient (active at once), in-process, before the service starts."""
    config = load_config(ROOT / "config.yaml", environ={"DATABASE_URL": url})
    runtime = build_runtime(config, sender=RecordingSender())
    try:
        reply = runtime.receive(InboundSms(DOCTOR, "DK 0987654321 Nguyen Van An, 1980, Tran Phu", "SMsetup"))
        assert reply.reply, reply
        assert "Da dang ky" in reply.reply, reply
    finally:
        runtime.db.dispose()


def start(stack: ExitStack, procs: Processes, tmp_path: Path, url: str) -> tuple[Gunicorn, Webhook]:
    """Two workers on `url`, each answering /healthz at all (503 while the database is away)."""
    port = free_port()
    config = write_config(tmp_path, url, f"http://127.0.0.1:{port}", {"provider": "console"})
    token = load_config(config, environ={}).webhook_auth_token
    stack.callback(procs.stop_all)  # before the database is dropped
    gunicorn = start_gunicorn(procs, config, port, workers=2, healthy=False)
    return gunicorn, stack.enter_context(closing(Webhook(gunicorn.base_url, token)))


@contextmanager
def sqlite_service(procs: Processes, tmp_path: Path) -> Iterator[tuple[Gunicorn, Webhook, Engine, Outage]]:
    """The service on a database whose directory is missing until the outage ends."""
    prepared, live = tmp_path / "prepared", tmp_path / "live"
    prepared.mkdir()
    engine = make_engine(f"sqlite:///{prepared / 'f0care.db'}")
    create_schema(engine)
    engine.dispose()
    add_active_patient(f"sqlite:///{prepared / 'f0care.db'}")
    with ExitStack() as stack:
        gunicorn, hook = start(stack, procs, tmp_path, f"sqlite:///{live / 'f0care.db'}")

        @contextmanager
        def outage() -> Iterator[None]:
            yield  # already out: the disk "is mounted" when the outage ends
            prepared.rename(live)

        reader = make_engine(f"sqlite:///{live / 'f0care.db'}", poolclass=NullPool)
        stack.callback(reader.dispose)
        yield gunicorn, hook, reader, outage


@contextmanager
def postgres_service(procs: Processes, tmp_path: Path) -> Iterator[tuple[Gunicorn, Webhook, Engine, Outage]]:
    """The service on its own PostgreSQL database, which the outage closes to every connection."""
    with schema_database("postgres", tmp_path) as url, ExitStack() as stack:
        add_active_patient(url)
        name = make_url(url).database
        admin = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT", poolclass=NullPool)
        stack.callback(admin.dispose)

        def allow(yes: bool) -> None:
            with admin.connect() as conn:
                conn.exec_driver_sql(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {str(yes).lower()}')
                if not yes:
                    conn.exec_driver_sql(
                        f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"
                    )

        @contextmanager
        def outage() -> Iterator[None]:
            allow(False)
            try:
                yield
            finally:
                allow(True)

        stack.callback(allow, True)  # before the database is dropped, whatever happened
        gunicorn, hook = start(stack, procs, tmp_path, url)
        reader = make_engine(url, poolclass=NullPool)
        stack.callback(reader.dispose)
        yield gunicorn, hook, reader, outage


def stored(db: Engine, sid: str) -> int:
    with Session(db) as session:
        return session.exec(select(func.count()).select_from(Message).where(Message.provider_sid == sid)).one()


def check_outcome(db: Engine, batch: list[dict[str, str]]) -> None:
    for params in batch:
        assert stored(db, params["MessageSid"]) == 1, params["Body"]
    with Session(db) as session:
        assert len(session.exec(select(Declaration)).all()) == 1
        assert session.exec(select(Alert)).all()
        assert session.get(Contact, NEWCOMER) is not None
        assert session.exec(select(Message).where(col(Message.status) == "error")).all() == []


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_while_the_database_is_stopped_nothing_gets_200_and_every_retried_message_is_stored_exactly_once(
    kind: str, procs: Processes, tmp_path: Path
) -> None:
    service = sqlite_service(procs, tmp_path) if kind == "sqlite" else postgres_service(procs, tmp_path)
    with service as (gunicorn, hook, db, outage), requests.Session() as http:
        batch = [
            hook.params(PATIENT, RED),
            hook.params(PATIENT, "CUU"),
            hook.params(NEWCOMER, "DK"),
            hook.params(PATIENT, "LS"),
        ]
        with outage():
            answers = [hook.post(params, http=http) for params in batch]
            during = [r.status_code for r in answers]
            health = http.get(gunicorn.base_url + "/healthz", timeout=5).status_code
        after = [hook.post(params, http=http) for params in batch]
        again = [hook.post(params, http=http) for params in batch]

        assert during == [503] * len(batch)
        assert health == 503
        assert [r.status_code for r in after] == [200] * len(batch), [r.text for r in after]
        assert [r.status_code for r in again] == [200] * len(batch)
        assert [reply_text(r) for r in again] == [reply_text(r) for r in after]
        assert "115" in reply_text(after[0])  # the red answer's advice
        check_outcome(db, batch)
        assert len(gunicorn.worker_pids()) == gunicorn.workers
        print(f"\n{kind}: 503 in {[round(r.elapsed.total_seconds() * 1000) for r in answers]} ms")
