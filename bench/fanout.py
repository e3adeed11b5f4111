"""Benchmark 2: the morning fan-out to N active patients, against a plain SDK loop (the floor).

Service: K `f0care worker` processes wait on an empty outbox; the clock starts when the runner
spawns the job process (bench/fire_job.py: morning-prompts as `f0care scheduler` fires it) and stops
at the stub's acceptance of the last prompt. Floor: bench/plain_loop.py with K threads sends the same
N messages through the twilio SDK to the same stub, timed the same way (spawn to last acceptance).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import text

from bench.service import TIMEZONE, BenchError, bench_config, fresh_database, python_module, seed, upgrade
from tests.support.processes import Proc, Processes, free_port, http_json, peak_rss_mb, script, wait_line
from tests.support.service import service_env, start_worker, stub_process

MORNING = "07:00"


@dataclass(frozen=True)
class FanoutPlan:
    db: str
    patients: int
    senders: int  # f0care worker processes, and the plain loop's threads
    floor: bool = True
    inline: bool = False  # also time `f0care jobs run` (queue and send in one process)
    deliver: bool = True  # False: only the job (queueing time and memory), e.g. at 1,000,000 patients


def _result_line(proc: Proc, prefix: str) -> dict[str, Any]:
    line = None
    for text_line in proc.log().splitlines():
        if text_line.startswith(prefix):
            line = text_line
    if line is None:
        raise BenchError(f"{proc.name} printed no {prefix.strip()}; log:\n{proc.tail()}")
    return dict(json.loads(line.split(" ", 1)[1]))


def _await_stub(stub_url: str, count: int, timeout: float, watch: list[Proc]) -> dict[str, Any]:
    """Poll the stub until it accepted `count` messages (bounded; fails early when a sender died)."""
    deadline = time.monotonic() + timeout
    stats: dict[str, Any] = http_json(f"{stub_url}/stats")
    while time.monotonic() < deadline:
        stats = http_json(f"{stub_url}/stats")
        if stats["count"] >= count:
            return stats
        for proc in watch:
            proc.check_alive()
        time.sleep(0.05)
    raise BenchError(f"the stub accepted {stats['count']} of {count} messages in {timeout:.0f} s")


def _sent(url: str) -> dict[str, int]:
    from models.db import make_engine

    engine = make_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT status, count(*) FROM message WHERE kind = 'prompt' GROUP BY 1")).all()
        body = conn.execute(text("SELECT body FROM message WHERE kind = 'prompt' LIMIT 1")).scalar()
    engine.dispose()
    out = {str(s): int(n) for s, n in rows}
    out["_body"] = body  # type: ignore[assignment]
    return out


def run(plan: FanoutPlan, workdir: Path, log: Any) -> dict[str, Any]:
    now = datetime.now(ZoneInfo(TIMEZONE))
    at = f"{now.date().isoformat()}T{MORNING}"
    name = f"fanout_{plan.db}_{plan.patients}_{plan.senders}"
    logdir = workdir / name
    timeout = max(120.0, plan.patients / 40)  # bounded: 40 msg/s is far below any sane rate
    result: dict[str, Any] = {"db": plan.db, "patients": plan.patients, "senders": plan.senders}
    with (
        Processes(logdir) as procs,
        fresh_database(plan.db, workdir, name) as url,
        stub_process(procs, "--no-bodies") as (stub_proc, stub_url),
    ):
        public = f"http://127.0.0.1:{free_port()}"
        config = bench_config(logdir, url, public, stub_url)
        upgrade(config)
        started = time.monotonic()
        seed(url, plan.patients, now.date())
        result["seed_s"] = round(time.monotonic() - started, 1)

        if not plan.deliver:
            return _queue_only(procs, config, at, plan, timeout, result, log)
        workers = [start_worker(procs, config, f"f0care-worker-{k}") for k in range(plan.senders)]
        for w in workers:
            wait_line(w, "outbox worker", timeout=30)
        t0 = time.time()
        job = python_module(procs, "fire-job", "bench.fire_job", ["--config", str(config), "--at", at], config)
        if procs.wait(job, timeout) != 0:
            raise BenchError(f"the morning-prompts job failed; log:\n{job.tail()}")
        job_result = _result_line(job, "JOB_RESULT ")
        if job_result["queued"] != plan.patients:
            raise BenchError(f"the job queued {job_result['queued']} prompts, expected {plan.patients}")
        stats = _await_stub(stub_url, plan.patients, timeout, workers)
        service_s = stats["last"] - t0
        worker_peaks = [peak_rss_mb(w.pid) or 0.0 for w in workers]
        for w in workers:
            w.stop()
        time.sleep(0.3)
        final = http_json(f"{stub_url}/stats")
        sent = _sent(url)
        body = str(sent.pop("_body"))
        result["service"] = {
            "seconds": round(service_s, 2),
            "per_message_ms": round(service_s / plan.patients * 1000, 4),
            "msg_per_s": round(plan.patients / service_s, 1),
            "job": job_result,
            "job_peak_mb": round(job_result["peak_mb"], 1),
            "worker_peak_mb": round(max(worker_peaks), 1),
            "stub_count": final["count"],
            "distinct_phones": final["distinct_to"],
            "db_status": sent,
        }
        if final["count"] != plan.patients or final["distinct_to"] != plan.patients:
            raise BenchError(f"duplicates or losses: stub {final}, expected {plan.patients} distinct")
        log(
            f"  {plan.db} fan-out {plan.patients} x{plan.senders}: {service_s:.1f} s "
            f"(job queued in {job_result['queue_s']} s, peak {job_result['peak_mb']} MB; "
            f"workers peak {max(worker_peaks):.0f} MB)"
        )

        if plan.floor:
            http_json(f"{stub_url}/reset", method="POST")
            argv = [
                "--api-base-url",
                stub_url,
                "--count",
                str(plan.patients),
                "--threads",
                str(plan.senders),
                "--body",
                body,
                "--status-callback",
                public + "/sms/twilio/status",
            ]
            t0 = time.time()
            loop = python_module(procs, "plain-loop", "bench.plain_loop", argv, config)
            if procs.wait(loop, timeout) != 0:
                raise BenchError(f"the plain loop failed; log:\n{loop.tail()}")
            stats = _await_stub(stub_url, plan.patients, 30, [])
            floor_s = stats["last"] - t0
            loop_result = _result_line(loop, "LOOP_RESULT ")
            result["floor"] = {
                "seconds": round(floor_s, 2),
                "per_message_ms": round(floor_s / plan.patients * 1000, 4),
                "msg_per_s": round(plan.patients / floor_s, 1),
                "peak_mb": round(loop_result["peak_mb"], 1),
            }
            result["ratio"] = round(service_s / floor_s, 3)
            log(f"  {plan.db} plain loop x{plan.senders}: {floor_s:.1f} s; service/floor {result['ratio']}")

        if plan.inline:
            result["inline"] = _inline(procs, config, url, stub_url, at, plan, timeout, log)
        result["stub_peak_mb"] = round(peak_rss_mb(stub_proc.pid) or 0.0, 1)
    return result


def _queue_only(
    procs: Processes, config: Path, at: str, plan: FanoutPlan, timeout: float, result: dict[str, Any], log: Any
) -> dict[str, Any]:
    """The job alone, no sender: how long queueing takes and how much memory the job process needs."""
    job = python_module(procs, "fire-job", "bench.fire_job", ["--config", str(config), "--at", at], config)
    if procs.wait(job, timeout) != 0:
        raise BenchError(f"the morning-prompts job failed; log:\n{job.tail()}")
    job_result = _result_line(job, "JOB_RESULT ")
    result["queue_only"] = {"job": job_result, "job_peak_mb": round(job_result["peak_mb"], 1)}
    log(
        f"  {plan.db} job alone, {plan.patients} patients: queued in {job_result['queue_s']} s, "
        f"peak {job_result['peak_mb']:.0f} MB"
    )
    return result


def _inline(
    procs: Processes, config: Path, url: str, stub_url: str, at: str, plan: FanoutPlan, timeout: float, log: Any
) -> dict[str, Any]:
    """`f0care jobs run morning-prompts` on the next day: it queues and sends in one process."""
    with_engine_clear(url)
    http_json(f"{stub_url}/reset", method="POST")
    t0 = time.time()
    job = procs.start(
        "jobs-run-inline",
        [script("f0care"), "--config", str(config), "jobs", "run", "morning-prompts", "--at", at],
        service_env(config),
    )
    if procs.wait(job, timeout) != 0:
        raise BenchError(f"f0care jobs run failed; log:\n{job.tail()}")
    stats = _await_stub(stub_url, plan.patients, 30, [])
    seconds = stats["last"] - t0
    log(f"  {plan.db} f0care jobs run (inline, one process): {seconds:.1f} s")
    return {"seconds": round(seconds, 2), "peak_mb": None, "stub_count": stats["count"]}


def with_engine_clear(url: str) -> None:
    """Forget the prompts already sent (their keys would stop the job queueing them again)."""
    from models.db import make_engine

    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM message"))
    engine.dispose()
