"""Benchmark 6: the staff console's dashboard (GET /staff/) with 30,000 active patients and 7 days of
declarations: the p95 answer time for a nurse (her clinic) and for a district officer (every clinic).

The app runs in this process (Flask's test client, no HTTP): the time is the view's, its queries
and its template. The database holds what a station sees on a busy morning: half the patients have
declared today, some yellow, open red alerts, pending registrations, opt-outs, calls needed.
"""

from __future__ import annotations

import random
import statistics
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import text, update

from bench.service import TIMEZONE, fresh_database, seed
from f0care.app import create_app
from f0care.config import load_config
from f0care.runtime import build_runtime
from models.db import create_schema, make_engine
from models.tables import Alert, Contact, Declaration, Patient
from tests.support.fakes import Clock, RecordingSender
from tests.support.processes import ROOT
from tests.support.web import log_in

TARGET_P95_MS = 200.0
NURSE, DISTRICT = "+84912000002", "+84912000099"
CHUNK = 5000


@dataclass(frozen=True)
class ConsolePlan:
    db: str
    patients: int = 30_000
    days: int = 7
    requests: int = 200


def _rows(ids: list[int], today: date, days: int, now: datetime, rng: random.Random) -> list[dict[str, Any]]:
    """Declarations: one a day for `days` days; today only half the patients have declared (08:30)."""
    rows = []
    zone = ZoneInfo(TIMEZONE)
    for pid in ids:
        for back in range(days - 1, -1, -1):
            if back == 0 and pid % 2:
                continue
            day = today - timedelta(days=back)
            at = datetime.combine(day, clock_time(7, rng.randint(0, 59)), zone).astimezone(UTC)
            level = "yellow" if rng.random() < 0.05 else "green"
            answers = {"spo2": rng.randint(95, 99), "breaths": rng.randint(14, 20), "pulse": rng.randint(60, 100)}
            rows.append(
                {
                    "patient_id": pid,
                    "local_date": day,
                    "started_at": at,
                    "updated_at": at,
                    "answers": answers,
                    "complete": True,
                    "level": level,
                }
            )
    return rows


def populate(url: str, plan: ConsolePlan, now: datetime) -> None:
    """The busy morning: patients, declarations, open alerts, pending, opted-out, calls needed."""
    today = now.astimezone(ZoneInfo(TIMEZONE)).date()
    engine = make_engine(url)
    create_schema(engine)
    engine.dispose()
    seeded = seed(url, plan.patients, today)
    engine = make_engine(url)
    rng = random.Random(plan.patients)
    ids = [s.patient_id for s in seeded]
    declarations = _rows(ids, today, plan.days, now, rng)
    alerts = [
        {
            "patient_id": s.patient_id,
            "clinic_id": s.clinic_id,
            "level": "red",
            "reason": "SpO2 94",
            "created_at": now - timedelta(minutes=rng.randint(1, 300)),
            "kind": "answers",
            "escalation_step": 1,
        }
        for s in seeded[::100]
    ]
    with engine.begin() as conn:
        table = Declaration.__table__  # type: ignore[attr-defined]
        for start in range(0, len(declarations), CHUNK):
            conn.execute(table.insert(), declarations[start : start + CHUNK])
        conn.execute(Alert.__table__.insert(), alerts)  # type: ignore[attr-defined]
        patient = Patient.__table__  # type: ignore[attr-defined]
        conn.execute(update(patient).where(patient.c.id % 60 == 1).values(status="pending", decided_at=None))
        conn.execute(update(patient).where(patient.c.id % 7 == 3).values(monitor_until=today))
        conn.execute(update(patient).where(patient.c.id % 200 == 5).values(call_needed=True))
        opted = [s.phone for s in seeded[7::100]]
        contact = Contact.__table__  # type: ignore[attr-defined]
        conn.execute(update(contact).where(contact.c.phone.in_(opted)).values(opted_out=True, opted_out_at=now))
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))  # what autovacuum does after inserts (PostgreSQL 13+)
    engine.dispose()


def measure(url: str, plan: ConsolePlan, now: datetime, staff: str) -> dict[str, Any]:
    """GET /staff/ `plan.requests` times as `staff`; percentiles in ms."""
    config = load_config(ROOT / "config.yaml", environ={"DATABASE_URL": url})
    sender = RecordingSender()
    runtime = build_runtime(config, sender=sender, clock=Clock(now))
    client = create_app(runtime).test_client()
    log_in(client, sender, staff, staff)
    page = client.get("/staff/")
    assert page.status_code == 200, page.status_code
    times, cpu = [], []
    for _ in range(plan.requests):
        started, used = time.perf_counter(), time.process_time()
        answer = client.get("/staff/")
        answer.get_data()
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - used) * 1000)
    runtime.db.dispose()
    times.sort()
    cpu.sort()
    p95 = times[max(0, int(len(times) * 0.95) - 1)]
    return {
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(p95, 1),
        "max_ms": round(times[-1], 1),
        "cpu_p50_ms": round(statistics.median(cpu), 1),
        "bytes": len(page.get_data()),
    }


def run(plan: ConsolePlan, workdir: Path, log: Any) -> list[dict[str, Any]]:
    """Both views (a nurse's clinic, the district's five) on one populated database."""
    now = datetime.now(UTC).replace(hour=1, minute=30, second=0, microsecond=0)  # 08:30 in Hanoi
    with fresh_database(plan.db, workdir, f"console-{plan.patients}") as url:
        begun = time.monotonic()
        populate(url, plan, now)
        log(
            f"console: {plan.db}: {plan.patients} patients, {plan.days} days seeded in {time.monotonic() - begun:.0f} s"
        )
        runs = []
        for who, staff in (("nurse (1 clinic)", NURSE), ("district (5 clinics)", DISTRICT)):
            result = measure(url, plan, now, staff)
            log(f"console: {plan.db} {who}: p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms")
            runs.append(
                {
                    "db": plan.db,
                    "view": who,
                    "patients": plan.patients,
                    "days": plan.days,
                    "requests": plan.requests,
                    **result,
                    "ok": result["p95_ms"] <= TARGET_P95_MS,
                }
            )
        return runs
