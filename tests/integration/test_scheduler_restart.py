"""Never twice, never missed: a job run twice, two schedulers at once, and a restart after a missed run.

These tests use a database file, as a deployed service does (and PostgreSQL when
F0CARE_TEST_POSTGRES_URL is set): two runtimes, two schedulers started by mistake, each open
their own engine on it.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.base import BaseScheduler
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from f0care.config import Config, load_config
from f0care.runtime import build_runtime, job_context
from models.db import create_schema, make_engine
from models.tables import Alert, Message, Patient
from scheduler import runner
from scheduler.context import JobContext, JobReport
from scheduler.runner import run_named, start
from tests.support import databases
from tests.support.fakes import RecordingSender

ROOT = Path(__file__).resolve().parents[2]
TRAN_PHU_STAFF = ("+84912000001", "+84912000002", "+84912000003")
HOUSEHOLD = "+84987300000"
SINGLES = 40
MORNING = datetime(2026, 11, 26, 0, 0, tzinfo=UTC)  # 07:00 in Hanoi
DEADLINE = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)  # 10:00
WAIT = 10.0  # seconds: an upper bound, never a pause


def patient(code: str, phone: str, name: str, since: date) -> Patient:
    return Patient(
        code=code,
        full_name=name,
        birth_year=1980,
        area="Tran Phu",
        clinic_id="tyt-tran-phu",
        phone=phone,
        registered_by=TRAN_PHU_STAFF[0],
        positive_test_date=since,
        status="active",
        created_at=datetime(since.year, since.month, since.day, tzinfo=UTC),
        decided_at=datetime(since.year, since.month, since.day, tzinfo=UTC),
    )


def seed(engine: Engine, since: date = date(2026, 11, 23)) -> list[str]:
    """40 patients on their own phones and a household of three; returns the phones."""
    rows = [patient(f"S{i:04d}", f"+849872{i:05d}", f"Nguyen Van An {i}", since) for i in range(SINGLES)]
    rows += [patient(f"H{i:04d}", HOUSEHOLD, f"Le Van {name}", since) for i, name in enumerate(("Cuong", "Dao", "Em"))]
    with Session(engine, expire_on_commit=False) as session:
        session.add_all(rows)
        session.commit()
    return sorted({row.phone for row in rows})


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite-file"),
        pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
    ]
)
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database with the schema, shared by every engine of the test."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'f0care.db'}"
        engine = make_engine(url)
        create_schema(engine)
        engine.dispose()
        yield url
        return
    server: Engine = request.getfixturevalue("postgres")
    yield server.url.render_as_string(hide_password=False)
    databases.truncate_all(server)
    with server.begin() as conn:
        conn.exec_driver_sql("DROP TABLE IF EXISTS scheduler_jobs")  # APScheduler's, not a model's


@pytest.fixture
def config(database: str) -> Config:
    return load_config(ROOT / "config.yaml", environ={"DATABASE_URL": database})


@pytest.fixture
def engines(database: str) -> Iterator[Callable[[], Engine]]:
    """`engines()`: one more engine on the test database (each runtime has its own pool)."""
    opened: list[Engine] = []

    def open_one() -> Engine:
        opened.append(make_engine(database))
        return opened[-1]

    yield open_one
    for engine in opened:
        engine.dispose()


@dataclass
class Scheduler:
    """One scheduler process: its own engine on the shared database, its own gateway."""

    jobs: JobContext
    sender: RecordingSender


@pytest.fixture
def two_schedulers(config: Config, engines: Callable[[], Engine]) -> tuple[Scheduler, Scheduler]:
    pair = []
    for _ in range(2):
        sender = RecordingSender()
        runtime = build_runtime(config, sender=sender, db=engines())
        pair.append(Scheduler(job_context(runtime), sender))
    return pair[0], pair[1]


def prompts(engine: Engine) -> list[Message]:
    with Session(engine) as session:
        query = select(Message).where(Message.kind == "prompt", col(Message.dedupe_key).startswith("prompt:"))
        return list(session.exec(query))


def deliveries(*senders: RecordingSender) -> Counter[str]:
    return Counter(to for sender in senders for to, _body in sender.log)


def at_once(name: str, now: datetime, *schedulers: Scheduler) -> list[JobReport]:
    """Run one job in every scheduler at the same moment, each on its own thread."""
    barrier = threading.Barrier(len(schedulers))

    def run(one: Scheduler) -> JobReport:
        barrier.wait(timeout=WAIT)
        return run_named(one.jobs, name, now)

    with ThreadPoolExecutor(max_workers=len(schedulers)) as pool:
        return list(pool.map(run, schedulers))


def test_morning_prompts_run_twice_send_each_phone_one_prompt(two_schedulers: tuple[Scheduler, Scheduler]) -> None:
    one, _ = two_schedulers
    phones = seed(one.jobs.db)
    first = run_named(one.jobs, "morning-prompts", MORNING)
    second = run_named(one.jobs, "morning-prompts", MORNING)
    assert (first.queued, second.queued) == (len(phones), 0)
    rows = prompts(one.jobs.db)
    assert Counter(m.phone for m in rows) == Counter(phones)
    assert deliveries(one.sender) == Counter(phones)
    assert {m.status for m in rows} == {"sent"}


def test_two_schedulers_running_morning_prompts_at_once_send_each_phone_one_prompt(
    two_schedulers: tuple[Scheduler, Scheduler],
) -> None:
    one, other = two_schedulers
    phones = seed(one.jobs.db)
    reports = at_once("morning-prompts", MORNING, one, other)
    assert sum(r.queued for r in reports) == len(phones)
    rows = prompts(one.jobs.db)
    assert Counter(m.phone for m in rows) == Counter(phones)
    assert len({m.dedupe_key for m in rows}) == len(rows)
    assert deliveries(one.sender, other.sender) == Counter(phones)
    assert {m.status for m in rows} == {"sent"}


def test_two_schedulers_at_the_deadline_raise_one_not_reporting_alert_per_silent_patient(
    two_schedulers: tuple[Scheduler, Scheduler],
) -> None:
    one, other = two_schedulers
    seed(one.jobs.db)  # active since the 23rd, never declared: silent on the 25th and the 26th
    at_once("deadline", DEADLINE, one, other)
    with Session(one.jobs.db) as session:
        alerts = list(session.exec(select(Alert).where(Alert.kind == "not_reporting")))
        patients = list(session.exec(select(Patient)))
    assert sorted(a.patient_id for a in alerts) == sorted(p.id for p in patients if p.id is not None)
    sent = [(to, body) for s in (one.sender, other.sender) for to, body in s.log]
    for staff in TRAN_PHU_STAFF:
        for p in patients:
            assert sum(to == staff and p.code in body and "CANH BAO DO" in body for to, body in sent) == 1
        assert sum(to == staff and "da khai bao 0/43" in body for to, body in sent) == 1


# --- APScheduler: a service that was down at the morning prompt -------------------------------


@dataclass
class Watched:
    """What the restarted scheduler did with morning-prompts, and what reached the gateway."""

    prompt_delivered: threading.Event = field(default_factory=threading.Event)
    handled: threading.Event = field(default_factory=threading.Event)
    events: list[int] = field(default_factory=list)


@pytest.fixture
def watched(monkeypatch: pytest.MonkeyPatch) -> Watched:
    """Listen to every scheduler `start()` builds, from before its first run."""
    seen = Watched()
    build = runner.build

    def listening(ctx: JobContext) -> BaseScheduler:
        scheduler = build(ctx)

        def listener(event: JobExecutionEvent) -> None:
            if event.job_id == "morning-prompts":
                seen.events.append(event.code)
                seen.handled.set()

        scheduler.add_listener(listener, EVENT_JOB_EXECUTED | EVENT_JOB_MISSED | EVENT_JOB_ERROR)
        return scheduler

    monkeypatch.setattr(runner, "build", listening)
    monkeypatch.setattr(runner, "_CONTEXT", runner._CONTEXT)  # start() sets it: put it back afterwards
    return seen


def restartable(config: Config, engine: Engine, missed_by: timedelta, seen: Watched) -> JobContext:
    """Jobs whose morning prompt was `missed_by` ago; delivery of a prompt is signalled.

    The prompt time is set from the wall clock so that no real trigger fires during the test,
    and quiet hours are off: APScheduler runs the job with the real time.
    """
    runtime = build_runtime(config, sender=RecordingSender(), db=engine)
    jobs = job_context(runtime)
    missed = (datetime.now(jobs.tz) - missed_by).replace(second=0, microsecond=0)
    schedule = replace(jobs.schedule, morning_prompt=f"{missed:%H:%M}", quiet_hours=("00:00", "00:00"))

    def deliver(ids: Iterable[int]) -> None:
        batch = tuple(ids)
        runtime.outbox.notify(batch)
        if any(m.id in batch for m in prompts(runtime.db)):
            seen.prompt_delivered.set()

    return replace(jobs, schedule=schedule, deliver=deliver)


def stop_with_missed_run(jobs: JobContext, missed_by: timedelta) -> datetime:
    """Run the scheduler once and stop it; then its stored morning prompt is due `missed_by` ago,
    as if the service had been down since then. Returns that missed run time.

    The store is edited after the shutdown: APScheduler's thread looks for due jobs once more
    while it stops, and would consume a run made due before.
    """
    scheduler = start(jobs)
    try:
        first = scheduler.get_job("morning-prompts")
        assert first is not None
        assert first.next_run_time > datetime.now(UTC)
    finally:
        scheduler.shutdown(wait=True)
    missed: datetime = first.next_run_time - timedelta(days=1)  # the run the service was down for
    assert abs(datetime.now(UTC) - missed - missed_by) < timedelta(minutes=2)  # the trigger has minute granularity
    store = SQLAlchemyJobStore(engine=jobs.db, tablename="scheduler_jobs")
    store.start(None, "default")  # no scheduler: only to read and write its rows
    stored = store.lookup_job("morning-prompts")
    assert stored is not None
    stored.next_run_time = missed
    store.update_job(stored)
    return missed


def next_run_is_in_the_future(scheduler: BaseScheduler) -> bool:
    """The stored next run moves on right after the job is handed over: wait for it, within WAIT."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        job = scheduler.get_job("morning-prompts")
        if job is not None and job.next_run_time > datetime.now(UTC):
            return True
        time.sleep(0.01)
    return False


def running(jobs: JobContext) -> Iterator[BaseScheduler]:
    """The scheduler started again (as after a restart), shut down when the loop ends."""
    scheduler = start(jobs)
    try:
        yield scheduler
    finally:
        scheduler.shutdown(wait=True)


def test_a_scheduler_back_40_minutes_after_the_morning_prompt_still_sends_it_once(
    config: Config, engines: Callable[[], Engine], watched: Watched
) -> None:
    jobs = restartable(config, engines(), timedelta(minutes=40), watched)
    phones = seed(jobs.db)
    stop_with_missed_run(jobs, timedelta(minutes=40))
    assert prompts(jobs.db) == []
    for scheduler in running(jobs):
        assert watched.prompt_delivered.wait(WAIT), f"no prompt delivered after restart; events {watched.events}"
        assert watched.handled.wait(WAIT)
        assert next_run_is_in_the_future(scheduler)
    assert watched.events == [EVENT_JOB_EXECUTED]
    rows = prompts(jobs.db)
    assert Counter(m.phone for m in rows) == Counter(phones)
    assert {m.status for m in rows} == {"sent"}


def test_a_scheduler_back_6_hours_after_the_morning_prompt_does_not_send_it(
    config: Config, engines: Callable[[], Engine], watched: Watched
) -> None:
    jobs = restartable(config, engines(), timedelta(hours=6), watched)
    assert jobs.schedule.misfire_grace_minutes == 60
    seed(jobs.db)
    stop_with_missed_run(jobs, timedelta(hours=6))
    for scheduler in running(jobs):
        assert watched.handled.wait(WAIT), "the restarted scheduler never looked at the missed run"
        assert next_run_is_in_the_future(scheduler)
    assert watched.events == [EVENT_JOB_MISSED]
    assert not watched.prompt_delivered.is_set()
    assert prompts(jobs.db) == []


def test_restarting_with_an_unchanged_schedule_keeps_the_stored_missed_run(
    config: Config, engines: Callable[[], Engine], watched: Watched
) -> None:
    jobs = restartable(config, engines(), timedelta(minutes=40), watched)
    missed = stop_with_missed_run(jobs, timedelta(minutes=40))
    scheduler = runner.build(jobs)
    scheduler.start(paused=True)
    try:
        runner.install(scheduler, jobs)
        job = scheduler.get_job("morning-prompts")
        assert job is not None
        assert job.next_run_time == missed
    finally:
        scheduler.shutdown(wait=True)
