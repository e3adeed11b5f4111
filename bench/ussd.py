"""Benchmark 6: the USSD menu under 200 concurrent sessions (issue 12: p99 under 2 s per screen).

The service runs as in production (gunicorn `f0care.wsgi:app`, one `f0care worker` delivering to a
Twilio stub) on a fresh database with active patients. Concurrent callers, each a thread with its
own connection (in up to 4 processes), run Africa's Talking's side of whole sessions one after the
other: dial, then each input, the text so far joined by `*`. Of every ten sessions, seven declare
green answers (8 screens), one a red answer (the clinic alerted by SMS), one reads guidance 3*2
(the full text also by SMS), one its history. `think` is the pause between a screen and the next
input; 0 is the worst case (every caller answers at once), people take 5-20 s per screen. With a
pause, each caller dials first at a random moment within one pause, as callers arrive.
"""

from __future__ import annotations

import http.client
import multiprocessing as mp
import random
import threading
import time
import urllib.parse
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import text

from bench.probe import percentile
from bench.service import TIMEZONE, BenchError, fresh_database, seed, upgrade
from tests.support.processes import Processes, free_port
from tests.support.service import start_gunicorn, start_worker, stub_process, twilio_gateway, write_config

TOKEN = "bench-ussd-token-" + "3f9b" * 4
P99_TARGET_S = 2.0
GREEN = ("1", "98", "18", "86", "37", "0", "0")
RED = ("1", "94", "24", "86", "37.5", "0", "0")
SCRIPTS = (RED, ("3", "2"), ("2",), *(GREEN,) * 7)  # one session in ten each: red, guidance, history
MAX_PROCESSES = 4


@dataclass(frozen=True)
class UssdPlan:
    db: str
    patients: int
    sessions: int  # concurrent callers
    seconds: float
    think: float  # seconds between a screen and the next input
    workers: int  # gunicorn workers


def run(plan: UssdPlan, workdir: Path, log: Any) -> dict[str, Any]:
    """One database: seed, serve, drive the sessions; the numbers for the report."""
    today = datetime.now(ZoneInfo(TIMEZONE)).date()
    name = f"ussd_{plan.db}_{plan.sessions}_t{plan.think:g}"
    logdir = workdir / name
    with Processes(logdir) as procs, fresh_database(plan.db, workdir, name) as url:
        port = free_port()
        public = f"http://127.0.0.1:{port}"
        with stub_process(procs) as (_stub, stub_url):
            sections: dict[str, dict[str, Any]] = {
                "limits": {"inbound_per_minute": 10_000_000},  # measure the menu, not the flood budget
                "ussd": {"enabled": True, "service_code": "*384*1234#", "token": TOKEN},
            }
            gateway = twilio_gateway(stub_url, max_per_second=1_000_000)
            config = write_config(logdir, url, public, gateway, sections=sections)
            upgrade(config)
            phones = [s.phone for s in seed(url, plan.patients, today)]
            web = start_gunicorn(procs, config, port, workers=plan.workers, name="gunicorn-ussd")
            sender = start_worker(procs, config)
            drive(public, phones[: max(4, plan.patients // 20)], min(8, plan.sessions), 1.0, 0.0, "w")  # warm-up
            numbers = drive(public, phones, plan.sessions, plan.seconds, plan.think, "m")
            sender.check_alive()
            web.proc.stop()
            sender.stop()
            numbers["stored"] = _stored(url)
    log(
        f"  {plan.db} ussd {plan.sessions} sessions, think {plan.think:g} s: {numbers['screens']} screens, "
        f"p50 {numbers['p50_ms']} ms p99 {numbers['p99_ms']} ms, errors {numbers['errors']}"
    )
    return {
        "db": plan.db,
        "patients": plan.patients,
        "sessions": plan.sessions,
        "think_s": plan.think,
        "workers": plan.workers,
        "seconds": plan.seconds,
        **numbers,
    }


def drive(base_url: str, phones: list[str], sessions: int, seconds: float, think: float, tag: str) -> dict[str, Any]:
    """`sessions` callers for `seconds`; per-screen latencies (ms), END latencies, errors."""
    if not phones:
        raise BenchError("no patients to call from")
    nproc = min(MAX_PROCESSES, max(1, (sessions + 49) // 50))
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    start_at = time.monotonic() + 0.5
    callers = [list(range(k, sessions, nproc)) for k in range(nproc)]
    procs = [
        ctx.Process(target=_process, args=(base_url, phones, sessions, mine, start_at, seconds, think, tag, queue))
        for mine in callers
    ]
    for p in procs:
        p.start()
    results: list[dict[str, Any]] = []
    try:
        for _ in procs:
            results += queue.get(timeout=seconds + 120)
    finally:
        for p in procs:
            p.join(timeout=5)
            if p.is_alive():
                p.kill()
    screens = [x for r in results for x in r["screens"]]
    ends = [x for r in results for x in r["ends"]]
    elapsed = max((r["elapsed"] for r in results), default=seconds)

    def ms(values: list[float], q: float) -> float | None:
        found = percentile(values, q)
        return None if found is None else round(found * 1000, 1)

    return {
        "screens": len(screens),
        "sessions_done": sum(r["done"] for r in results),
        "screens_per_s": round(len(screens) / elapsed, 1) if elapsed else None,
        "p50_ms": ms(screens, 0.50),
        "p90_ms": ms(screens, 0.90),
        "p99_ms": ms(screens, 0.99),
        "max_ms": ms(screens, 1.0),
        "end_p99_ms": ms(ends, 0.99),
        "errors": sum(r["errors"] for r in results),
        "met": (percentile(screens, 0.99) or 0) < P99_TARGET_S and not sum(r["errors"] for r in results),
    }


def _process(
    base_url: str,
    phones: list[str],
    sessions: int,
    mine: list[int],
    start_at: float,
    seconds: float,
    think: float,
    tag: str,
    queue: Any,
) -> None:
    host, port = base_url.split("://", 1)[1].split(":")
    while time.monotonic() < start_at:
        time.sleep(0.001)
    stop_at = start_at + seconds
    results: list[dict[str, Any]] = [{} for _ in mine]
    threads = [
        threading.Thread(
            target=_caller, args=(host, int(port), phones, sessions, k, stop_at, think, f"{tag}{k}", results[i])
        )
        for i, k in enumerate(mine)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + 60)
    elapsed = time.monotonic() - start_at
    queue.put([{**r, "elapsed": elapsed} for r in results])


def _caller(
    host: str,
    port: int,
    phones: list[str],
    sessions: int,
    k: int,
    stop_at: float,
    think: float,
    tag: str,
    out: dict[str, Any],
) -> None:
    """One caller: whole sessions back to back, each from the next phone of its share."""
    conn = http.client.HTTPConnection(host, port, timeout=30)
    screens: list[float] = []
    ends: list[float] = []
    errors = done = n = 0
    path = f"/ussd?token={TOKEN}"
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    # Callers dial at random moments, as people do: not all at the same instant (a burst no gateway sends).
    time.sleep(random.Random(k).uniform(0, think))
    while time.monotonic() < stop_at:
        phone = phones[(k + n * sessions) % len(phones)]
        script = SCRIPTS[(k + n) % len(SCRIPTS)]
        session = f"{tag}-{n}"
        n += 1
        for step in range(len(script) + 1):
            form = {"sessionId": session, "serviceCode": "*384*1234#", "phoneNumber": phone, "networkCode": "45204"}
            body = urllib.parse.urlencode({**form, "text": "*".join(script[:step])})
            start = time.monotonic()
            try:
                conn.request("POST", path, body, headers)
                response = conn.getresponse()
                answer = response.read().decode()
            except (OSError, http.client.HTTPException):
                errors += 1
                conn.close()
                break
            took = time.monotonic() - start
            screens.append(took)
            last = step == len(script)
            if response.status != 200 or not answer.startswith("END " if last else "CON "):
                errors += 1
                break
            if last:
                ends.append(took)
                done += 1
            elif think:
                time.sleep(think)
    conn.close()
    out.update(screens=screens, ends=ends, errors=errors, done=done)


def _stored(url: str) -> dict[str, int]:
    from models.db import make_engine

    engine = make_engine(url)
    with engine.connect() as conn:
        inbound = conn.execute(text("SELECT count(*) FROM message WHERE channel = 'ussd' AND direction = 'in'"))
        declarations = conn.execute(text("SELECT count(*) FROM declaration")).scalar_one()
        alerts = conn.execute(text("SELECT count(*) FROM alert")).scalar_one()
        out = {"ussd_requests": int(inbound.scalar_one()), "declarations": int(declarations), "alerts": int(alerts)}
    engine.dispose()
    return out
