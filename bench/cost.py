"""Benchmark 3: outbound SMS segments per patient-day, by the service's own counter, checked independently.

One day over the real processes (gunicorn + `f0care worker` + `f0care jobs run morning-prompts`,
the stub answering num_segments null so Message.segments keeps the service's count): a compact
green day, a step-by-step day, a red day with its staff alerts, a household of three on one phone.
The same on a service with `sms_ascii: false` gives the baseline: one question per SMS, with
diacritics (UCS-2). A week for a cohort (bench/cost_week.py, fixed clock) adds reminders, the
rapid-test question, digests and escalations. Every message is recounted with tests.support.sms_segments
(GSM 03.38, written for this benchmark): TwiML replies from the text the webhook answered, API
sends from what the stub received.
"""

from __future__ import annotations

import http.client
import json
import time
from collections import defaultdict
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlparse
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

from sqlalchemy import text

from bench.service import (
    TIMEZONE,
    BenchError,
    Seeded,
    bench_config,
    clinics,
    fresh_database,
    python_module,
    seed,
    upgrade,
)
from bench.traffic import Post, Signer
from tests.support import sms_segments
from tests.support.processes import Processes, free_port, http_json, script
from tests.support.service import service_env, start_gunicorn, start_worker, stub_process

GREEN = "98 18 86 37.5 0 0"
RED = "93 24 90 37.5 1 0"
STEP = ("KB", "98", "18", "86", "37.5", "0", "0")


class Phone:
    """Signed posts to the webhook, as Twilio sends them; keeps every TwiML reply text."""

    def __init__(self, public: str, prefix: str) -> None:
        self.url = urlparse(public)
        self.signer = Signer(public + "/sms/twilio", prefix)
        self.replies: list[tuple[str, str]] = []

    def send(self, phone: str, body: str) -> str:
        signature, form, _sid = self.signer.sign(Post(phone, "", body, "cost"))
        conn = http.client.HTTPConnection(self.url.hostname, self.url.port, timeout=15)
        try:
            conn.request(
                "POST",
                "/sms/twilio",
                form,
                {"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature},
            )
            response = conn.getresponse()
            payload = response.read().decode("utf-8")
        finally:
            conn.close()
        if response.status != 200:
            raise BenchError(f"webhook answered {response.status} to {body!r}: {payload[:200]}")
        reply = "\n".join(m.text or "" for m in ElementTree.fromstring(payload).iter("Message"))
        self.replies.append((phone, reply))
        return reply


def _outbound(url: str) -> list[dict[str, Any]]:
    from models.db import make_engine

    engine = make_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT phone, kind, body, segments, status FROM message WHERE direction = 'out' ORDER BY id")
        ).all()
    engine.dispose()
    return [{"phone": r[0], "kind": r[1], "body": r[2], "segments": int(r[3]), "status": r[4]} for r in rows]


def _wait_stub(stub_url: str, count: int, timeout: float = 20.0) -> list[dict[str, Any]]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        messages: list[dict[str, Any]] = http_json(f"{stub_url}/messages?offset=0")
        if len(messages) >= count:
            return messages
        time.sleep(0.1)
    raise BenchError(f"the stub got {len(messages)} of {count} messages in {timeout:.0f} s")


class Check:
    """Message-by-message comparison of the service's count with tests.support.sms_segments."""

    def __init__(self) -> None:
        self.checked = 0
        self.examples: list[str] = []

    def compare(self, body: str, service: int, where: str) -> None:
        independent = sms_segments.count(body)
        self.checked += 1
        if independent != service and len(self.examples) < 5:
            self.examples.append(f"{where}: service {service}, independent {independent}, {len(body)} chars")

    def against_stub(self, rows: list[dict[str, Any]], stub_messages: list[dict[str, Any]]) -> None:
        by_key = {(r["phone"], r["body"]): r for r in rows}
        for m in stub_messages:
            row = by_key.get((m["to"], m["body"]))
            if row is None:
                self.examples.append(f"stub got a message the database does not hold: {m['to']}")
                continue
            self.checked += 1
            if row["segments"] != m["segments"] and len(self.examples) < 5:
                self.examples.append(f"{row['kind']} to {m['to']}: service {row['segments']}, stub {m['segments']}")

    def result(self) -> dict[str, Any]:
        return {"checked": self.checked, "mismatches": len(self.examples), "examples": self.examples}


def _day(db: str, workdir: Path, ascii_sms: bool, log: Any) -> tuple[dict[str, Any], Check]:
    """One morning over the real processes; segments per scenario."""
    tag = "ascii" if ascii_sms else "ucs2"
    name = f"cost_{db}_{tag}"
    logdir = workdir / name
    today = datetime.now(ZoneInfo(TIMEZONE)).date()
    check = Check()
    staff = {cid: phones for cid, _a, phones in clinics()}
    with (
        Processes(logdir) as procs,
        fresh_database(db, workdir, name) as url,
        stub_process(procs, "--omit-num-segments") as (_p, stub_url),
    ):
        port = free_port()
        public = f"http://127.0.0.1:{port}"
        config = bench_config(logdir, url, public, stub_url, ascii_sms=ascii_sms)
        upgrade(config)
        seeded = seed(url, 3, today, households=1)
        compact_p, step_p, red_p = seeded[:3]
        house: list[Seeded] = seeded[3:]
        start_gunicorn(procs, config, port, workers=1, name="gunicorn-service")
        start_worker(procs, config)
        job = procs.start(
            "jobs-run",
            [
                script("f0care"),
                "--config",
                str(config),
                "jobs",
                "run",
                "morning-prompts",
                "--at",
                f"{today.isoformat()}T07:00",
            ],
            service_env(config),
        )
        if procs.wait(job, 60) != 0:
            raise BenchError(f"f0care jobs run failed:\n{job.tail()}")
        phone = Phone(public, "c1" if ascii_sms else "c2")
        phone.send(compact_p.phone, GREEN)
        for body in STEP:
            phone.send(step_p.phone, body)
        phone.send(red_p.phone, RED)
        for member in house:
            phone.send(member.phone, f"{member.code} {GREEN}")
        rows = _outbound(url)
        api_rows = [r for r in rows if r["kind"] != "reply"]
        if sum(1 for r in api_rows if r["kind"] == "alert") != len(staff[red_p.clinic_id]):
            raise BenchError(f"expected one alert per staff member of {red_p.clinic_id}: {api_rows}")
        stub_messages = _wait_stub(stub_url, len(api_rows))
        rows = _outbound(url)
    check.against_stub([r for r in rows if r["kind"] != "reply"], stub_messages)
    for who, reply in phone.replies:
        row = next((r for r in rows if r["kind"] == "reply" and r["phone"] == who and r["body"] == reply), None)
        if row is None:
            check.examples.append(f"no stored reply for the TwiML answer to {who}")
            continue
        check.compare(reply, row["segments"], f"reply to {who}")

    def to(phone_number: str) -> list[dict[str, Any]]:
        return [r for r in rows if r["phone"] == phone_number]

    def segs(items: list[dict[str, Any]]) -> int:
        return sum(r["segments"] for r in items)

    def detail(items: list[dict[str, Any]]) -> str:
        counts: dict[str, list[int]] = defaultdict(list)
        for r in items:
            counts[r["kind"]].append(r["segments"])
        return ", ".join(f"{k} {'+'.join(map(str, v))}" for k, v in counts.items())

    alerts = [r for r in rows if r["kind"] == "alert"]
    step_replies = [r for r in to(step_p.phone) if r["kind"] == "reply"]
    result = {
        "compact": (segs(to(compact_p.phone)), 0, 1, detail(to(compact_p.phone))),
        "step": (segs(to(step_p.phone)), 0, 1, detail(to(step_p.phone))),
        "red": (segs(to(red_p.phone)), segs(alerts), 1, detail(to(red_p.phone)) + f"; staff: {detail(alerts)}"),
        "household": (segs(to(house[0].phone)), 0, 3, detail(to(house[0].phone))),
        "questions": (
            segs(step_replies),
            0,
            1,
            f"{len(step_replies)} replies: {'+'.join(str(r['segments']) for r in step_replies)}",
        ),
    }
    log(f"  cost ({tag}): " + "; ".join(f"{k} {v[0]}+{v[1]}" for k, v in result.items()))
    return result, check


def _week(db: str, workdir: Path, patients: int, days: int, log: Any) -> tuple[dict[str, Any], Check]:
    name = f"cost_{db}_week"
    logdir = workdir / name
    check = Check()
    with (
        Processes(logdir) as procs,
        fresh_database(db, workdir, name) as url,
        stub_process(procs, "--omit-num-segments") as (_p, stub_url),
    ):
        config = bench_config(logdir, url, "http://127.0.0.1:9", stub_url)
        upgrade(config)
        week = python_module(
            procs,
            "cost-week",
            "bench.cost_week",
            ["--config", str(config), "--patients", str(patients), "--days", str(days)],
            config,
        )
        if procs.wait(week, 600) != 0:
            raise BenchError(f"the cohort week failed:\n{week.tail()}")
        line = next(x for x in week.log().splitlines() if x.startswith("WEEK_RESULT "))
        data = json.loads(line.split(" ", 1)[1])
        stub_messages = http_json(f"{stub_url}/messages?offset=0")
    rows = data["messages"]
    check.against_stub([r for r in rows if r["kind"] != "reply"], stub_messages)
    for r in rows:
        if r["kind"] == "reply":
            check.compare(r["body"], r["segments"], "reply")
    phones, staff_phones = set(data["phones"]), set(data["staff_phones"])
    patient_rows = [r for r in rows if r["phone"] in phones]
    staff_rows = [r for r in rows if r["phone"] in staff_phones]
    by_kind: dict[str, int] = defaultdict(int)
    for r in patient_rows:
        by_kind[r["kind"]] += r["segments"]
    staff_kind: dict[str, int] = defaultdict(int)
    for r in staff_rows:
        staff_kind[r["kind"]] += r["segments"]
    patient_days = data["patients"] * data["days"]
    result = {
        "patients": data["patients"],
        "days": data["days"],
        "profiles": data["profiles"],
        "patient_segments": sum(by_kind.values()),
        "staff_segments": sum(staff_kind.values()),
        "per_patient_day": sum(by_kind.values()) / patient_days,
        "staff_per_patient_day": sum(staff_kind.values()) / patient_days,
        "by_kind": dict(by_kind),
        "staff_by_kind": dict(staff_kind),
    }
    log(
        f"  cost (week): {result['per_patient_day']:.2f} segments per patient-day, "
        f"staff {result['staff_per_patient_day']:.2f}"
    )
    return result, check


def run(db: str, workdir: Path, log: Any, smoke: bool = False) -> dict[str, Any]:
    day, check_day = _day(db, workdir, True, log)
    # Smoke: the diacritics run is the same code with one flag; the ASCII numbers stand in for it.
    ucs2, check_ucs2 = (day, Check()) if smoke else _day(db, workdir, False, log)
    week, check_week = _week(db, workdir, 10 if smoke else 40, 2 if smoke else 7, log)
    checks = [check_day, check_ucs2, check_week]
    mix = ", ".join(f"{v} {k}" for k, v in week["profiles"].items())
    scenarios = [
        {
            "name": "normal day, compact answer",
            "normal": True,
            "patient_segments": day["compact"][0],
            "staff_segments": 0,
            "per_patient_day": day["compact"][0],
            "detail": day["compact"][3],
        },
        {
            "name": "normal day, step by step (KB)",
            "patient_segments": day["step"][0],
            "staff_segments": 0,
            "per_patient_day": day["step"][0],
            "detail": day["step"][3],
        },
        {
            "name": "abnormal day (red) with alert",
            "patient_segments": day["red"][0],
            "staff_segments": day["red"][1],
            "per_patient_day": day["red"][0],
            "detail": day["red"][3],
        },
        {
            "name": "household of three, one phone, compact",
            "normal": True,
            "patient_segments": day["household"][0],
            "staff_segments": 0,
            "per_patient_day": day["household"][0] / 3,
            "detail": day["household"][3],
        },
        {
            "name": f"{week['days']} days, cohort of {week['patients']} ({mix})",
            "patient_segments": week["patient_segments"],
            "staff_segments": week["staff_segments"],
            "per_patient_day": week["per_patient_day"],
            "detail": "patients: "
            + ", ".join(f"{k} {v}" for k, v in sorted(week["by_kind"].items()))
            + "; staff: "
            + ", ".join(f"{k} {v}" for k, v in sorted(week["staff_by_kind"].items())),
        },
        {
            "name": "baseline: one question per SMS, Vietnamese with diacritics (UCS-2)",
            "patient_segments": ucs2["questions"][0],
            "staff_segments": 0,
            "per_patient_day": ucs2["questions"][0],
            "detail": "the service with sms_ascii false, step by step: " + ucs2["questions"][3],
        },
        {
            "name": "same service with diacritics (sms_ascii false), compact",
            "patient_segments": ucs2["compact"][0],
            "staff_segments": 0,
            "per_patient_day": ucs2["compact"][0],
            "detail": ucs2["compact"][3],
        },
    ]
    check = {
        "checked": sum(c.checked for c in checks),
        "mismatches": sum(len(c.examples) for c in checks),
        "examples": [e for c in checks for e in c.examples],
    }
    notes = [
        f"staff segments per patient-day over the week: {week['staff_per_patient_day']:.2f}",
        f"database {db}; one morning-prompt per phone at 07:00; replies are TwiML (billed by Twilio like any SMS)",
    ]
    return {"db": db, "scenarios": scenarios, "check": check, "week": week, "notes": notes}
