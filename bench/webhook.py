"""Benchmarks 1 and 4: webhook throughput against a bare Flask app, and alert latency under that load.

One database, one port, one request file: the bare app (bench/bare_app.py) and the service
(f0care.wsgi, plus one `f0care worker` delivering alerts to the stub) run one after the other under
the same gunicorn settings, each warmed up, then driven at each concurrency level with its own
slice of the request file (fresh phones and MessageSids for the service at every level).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import text

from bench import loadgen, probe, traffic
from bench.service import TIMEZONE, bench_config, clinics, fresh_database, seed, upgrade
from tests.support.processes import Processes, children, cpu_seconds, free_port, http_json, peak_rss_mb
from tests.support.service import start_gunicorn, start_worker, stub_process

MAX_RATE_GUESS = 1500  # msg/s the service will not exceed on this machine: sizes the request file
PROBE_INTERVAL = 0.2  # 5 red probes a second beside the load
HISTORY_DAYS = 3  # past mornings of answers and replies per phone: the `message` table of a service in use


@dataclass(frozen=True)
class WebhookPlan:
    db: str
    patients: int
    levels: tuple[int, ...]
    seconds: float
    warmup_seconds: float
    tool: str
    workers: int
    probes: int = 200
    bare: bool = True
    alert_wait: float = 10.0  # seconds after the load for the probes' alerts to arrive


def _stored(url: str) -> dict[str, int]:
    from models.db import make_engine

    engine = make_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT direction, kind, status, count(*) FROM message GROUP BY 1, 2, 3")).all()
        declarations = conn.execute(text("SELECT count(*) FROM declaration")).scalar_one()
        alerts = conn.execute(text("SELECT count(*) FROM alert")).scalar_one()
    engine.dispose()
    out = {f"{d}/{k}/{s}": int(n) for d, k, s, n in rows}
    out["declarations"], out["alerts"] = int(declarations), int(alerts)
    return out


def _web_peak(proc_pid: int) -> float | None:
    peaks = [m for m in (peak_rss_mb(p) for p in [proc_pid, *children(proc_pid)]) if m is not None]
    return max(peaks) if peaks else None


def _web_cpu(proc_pid: int) -> float:
    return sum(cpu_seconds(p) for p in [proc_pid, *children(proc_pid)])


def run(plan: WebhookPlan, workdir: Path, log: Any) -> dict[str, Any]:
    """Both apps at every level; the alert probes beside the service. Returns the numbers for the report."""
    today = datetime.now(ZoneInfo(TIMEZONE)).date()
    name = f"webhook_{plan.db}_{plan.patients}_w{plan.workers}"
    logdir = workdir / name
    with Processes(logdir) as procs, fresh_database(plan.db, workdir, name) as url:
        port = free_port()
        public = f"http://127.0.0.1:{port}"
        with stub_process(procs) as (_stub_proc, stub_url):
            config = bench_config(logdir, url, public, stub_url)
            upgrade(config)
            started = time.monotonic()
            seeded = seed(url, plan.patients + plan.probes, today, history_days=HISTORY_DAYS)
            load_patients, probe_patients = seeded[: plan.patients], seeded[plan.patients :]
            seed_s = time.monotonic() - started
            warmup = min(1000, max(50, plan.patients // 20))
            per_level = math.ceil(MAX_RATE_GUESS * plan.seconds * 1.2)
            rounds = max(2, math.ceil((warmup * 2 + per_level * len(plan.levels)) / plan.patients))
            posts = traffic.plan(load_patients, rounds)
            per_level = (len(posts) - 2 * warmup) // len(plan.levels)
            file = logdir / "requests.txt"
            traffic.write(file, posts, public + "/sms/twilio", "a1")
            log(f"  {plan.db}: {plan.patients} patients seeded in {seed_s:.1f} s, {len(posts)} signed posts")
            result: dict[str, Any] = {
                "db": plan.db,
                "patients": plan.patients,
                "workers": plan.workers,
                "tool": plan.tool,
                "seconds": plan.seconds,
                "seed_s": round(seed_s, 1),
                "levels": [],
            }
            slices = [(2 * warmup + k * per_level, per_level) for k in range(len(plan.levels))]
            bare: dict[int, loadgen.LoadResult] = {}
            if plan.bare:
                web = start_gunicorn(
                    procs, config, port, app="bench.bare_app:app", workers=plan.workers, name="gunicorn-bare"
                )
                if plan.warmup_seconds:
                    loadgen.run(plan.tool, public, file, 0, warmup, 4, plan.warmup_seconds)
                for level, (offset, count) in zip(plan.levels, slices, strict=True):
                    bare[level] = loadgen.run(plan.tool, public, file, offset, count, level, plan.seconds)
                    log(f"  {plan.db} bare c={level}: {bare[level].rps:.0f} msg/s p99 {bare[level].p99_ms:.1f} ms")
                result["bare_peak_mb"] = _web_peak(web.proc.pid)
                web.proc.stop()
            web = start_gunicorn(procs, config, port, workers=plan.workers, name="gunicorn-service")
            senders = [start_worker(procs, config)]
            if plan.warmup_seconds:
                loadgen.run(plan.tool, public, file, warmup, warmup, 4, plan.warmup_seconds)
            staff = {cid: phones for cid, _areas, phones in clinics()}
            for k, (level, (offset, count)) in enumerate(zip(plan.levels, slices, strict=True)):
                # Fresh patients per level: a patient's alert stays open (unacknowledged), and further red
                # answers join it without paging staff again (one open alert per patient).
                share = len(probe_patients) // len(plan.levels)
                fresh = probe_patients[k * share : (k + 1) * share]
                prober = probe.Prober(public, fresh, PROBE_INTERVAL, prefix=f"e{k:x}")
                stub_offset = http_json(f"{stub_url}/stats")["count"]
                cpu_before = _web_cpu(web.proc.pid)
                prober.start()
                full = loadgen.run(plan.tool, public, file, offset, count, level, plan.seconds)
                prober.stop()
                cpu = _web_cpu(web.proc.pid) - cpu_before
                for s in senders:
                    s.check_alive()
                alerts = probe.latencies(prober.probes, stub_url, staff, stub_offset, wait=plan.alert_wait)
                row: dict[str, Any] = {"concurrency": level, "service": full.as_dict(), "web_cpu_s": round(cpu, 1)}
                if level in bare:
                    row["bare"] = bare[level].as_dict()
                    row["ratio"] = round(full.rps / bare[level].rps, 3) if bare[level].rps else None
                row["alert"] = {
                    "probes": alerts["probes"],
                    "delivered": alerts["delivered"],
                    "missing": alerts["missing"],
                    "p50_s": probe.percentile(alerts["all_staff_s"], 0.50),
                    "p99_s": probe.percentile(alerts["all_staff_s"], 0.99),
                    "max_s": max(alerts["all_staff_s"], default=None),
                    "first_p50_s": probe.percentile(alerts["first_staff_s"], 0.50),
                }
                result["levels"].append(row)
                log(
                    f"  {plan.db} service c={level}: {full.rps:.0f} msg/s p50 {full.p50_ms:.1f} ms "
                    f"p99 {full.p99_ms:.1f} ms; alerts p50 {row['alert']['p50_s']} p99 {row['alert']['p99_s']}"
                )
            result["service_peak_mb"] = _web_peak(web.proc.pid)
            result["sender_peak_mb"] = max((peak_rss_mb(s.pid) or 0) for s in senders)
            web.proc.stop()
            for s in senders:
                s.stop()
            result["stored"] = _stored(url)
    return result
