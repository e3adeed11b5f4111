"""A week of a clinic cohort with a fixed clock: every job at its local time, patients answering by SMS.

The real application (create_app + build_runtime, outbox inline, the twilio SDK to the stub) in one
process, because seven days cannot pass on a real clock; inbound SMS are signed posts through the
WSGI app, the jobs are called with `now` as `f0care scheduler` would. Prints one JSON line with every
outbound message (phone, kind, body, the service's segment count).

    python -m bench.cost_week --config CONFIG --patients 40 --days 7
"""

from __future__ import annotations

import argparse
import json
import random
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import parse_qsl
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlmodel import Session

from bench.service import TIMEZONE, Seeded, seed
from bench.traffic import Post, Signer, compact
from f0care.app import create_app
from f0care.config import Config, load_config
from f0care.runtime import build_runtime, job_context
from models.db import make_engine
from scheduler.runner import run_named

STEP = ("KB", "98", "18", "86", "37", "0", "0")
RED = "93 24 90 37 1 0"


class Clock:
    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment.astimezone(UTC)


def profile(i: int) -> str:
    """70 % compact, 10 % step by step, 10 % late (after the reminder), 5 % silent, 5 % red on day 3."""
    slot = i % 20
    if slot < 14:
        return "compact"
    return {14: "step", 15: "step", 16: "late", 17: "late", 18: "silent"}.get(slot, "red")


class Week:
    """The cohort's week on a fixed clock: signed SMS through the WSGI app, jobs called with `now`."""

    def __init__(self, config: Config, patients: list[Seeded], day0: date) -> None:
        self.config, self.patients, self.day0 = config, patients, day0
        self.tz = ZoneInfo(TIMEZONE)
        self.clock = Clock(datetime.combine(day0, time(6, 0), self.tz))
        self.engine = make_engine(config.database.url)
        runtime = build_runtime(config, db=self.engine, outbox_mode="inline", clock=self.clock)
        self.client = create_app(runtime).test_client()
        self.jobs = job_context(runtime)
        self.signer = Signer(config.service.public_url.rstrip("/") + "/sms/twilio", "dd")
        self.rng = random.Random(3)

    def at(self, day: date, hh: int, mm: int) -> datetime:
        return datetime.combine(day, time(hh, mm), self.tz)

    def sms(self, phone: str, body: str, moment: datetime) -> None:
        self.clock.moment = moment
        signature, form, _sid = self.signer.sign(Post(phone, "", body, "week"))
        data = dict(parse_qsl(form, keep_blank_values=True))
        response = self.client.post("/sms/twilio", data=data, headers={"X-Twilio-Signature": signature})
        assert response.status_code == 200, response.status_code

    def job(self, name: str, moment: datetime) -> None:
        self.clock.moment = moment
        run_named(self.jobs, name, moment)

    def day(self, d: int) -> None:
        day = self.day0 + timedelta(days=d)
        self.job("morning-prompts", self.at(day, 7, 0))
        self.job("end-of-monitoring", self.at(day, 8, 0))
        for i, patient in enumerate(self.patients):
            self.morning_answer(profile(i), patient, day, d)
        self.job("reminder", self.at(day, 9, 0))
        for i, patient in enumerate(self.patients):
            if profile(i) == "late":
                self.sms(patient.phone, compact("green", self.rng), self.at(day, 9, 30))
        self.job("deadline", self.at(day, 10, 0))
        for hh in range(10, 21):
            self.job("ack-watch", self.at(day, hh, 5))
        self.job("pending-watch", self.at(day, 12, 15))

    def morning_answer(self, kind: str, patient: Seeded, day: date, d: int) -> None:
        if kind == "compact":
            self.sms(patient.phone, compact("green", self.rng), self.at(day, 7, 30))
        elif kind == "step":
            for k, body in enumerate(STEP):
                self.sms(patient.phone, body, self.at(day, 7, 30) + timedelta(minutes=k))
        elif kind == "red" and d == 3:
            self.sms(patient.phone, RED, self.at(day, 7, 40))
            staff = next(c.staff[0].phone for c in self.config.clinics if c.id == patient.clinic_id)
            self.sms(staff, f"OK {patient.code}", self.at(day, 7, 50))
        elif kind == "red":
            self.sms(patient.phone, compact("green", self.rng), self.at(day, 7, 40))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--config", required=True)
    p.add_argument("--patients", type=int, default=40)
    p.add_argument("--days", type=int, default=7)
    args = p.parse_args()

    config = load_config(args.config)
    day0 = date.today()
    patients = seed(config.database.url, args.patients, day0)
    week = Week(config, patients, day0)
    for d in range(args.days):
        week.day(d)
    engine = week.engine
    staff_phones = {s.phone for c in config.clinics for s in c.staff} | {o.phone for o in config.escalation.oncall}

    with Session(engine) as session:
        rows = session.execute(
            text(
                "SELECT phone, kind, body, segments, status, dedupe_key FROM message "
                "WHERE direction = 'out' ORDER BY id"
            )
        ).all()
    out = {
        "patients": len(patients),
        "phones": sorted({p.phone for p in patients}),
        "staff_phones": sorted(staff_phones),
        "days": args.days,
        "profiles": {profile(i): 0 for i in range(len(patients))},
        "messages": [
            # the rapid-test question is queued as kind "prompt" with a "test:" key: shown apart
            {
                "phone": r[0],
                "kind": "test" if (r[5] or "").startswith("test:") else r[1],
                "body": r[2],
                "segments": r[3],
                "status": r[4],
            }
            for r in rows
        ],
    }
    for i in range(len(patients)):
        out["profiles"][profile(i)] += 1
    engine.dispose()
    print("WEEK_RESULT " + json.dumps(out, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
