"""Closed-loop load at a fixed concurrency from a pre-signed request file: wrk, or a Python fallback.

wrk (C, epoll; `apt-get install wrk`) replays the file through bench/wrk_post.lua. Without it, a
generator of processes (one per 8 connections, at most 4), each running a thread per connection
with a keep-alive http.client connection, does the same; it costs far more CPU on the same 2 cores,
so its numbers are lower bounds and the report says which tool ran.
"""

from __future__ import annotations

import http.client
import json
import multiprocessing as mp
import shutil
import subprocess
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bench.service import BenchError
from tests.support.processes import ROOT

LUA = ROOT / "bench" / "wrk_post.lua"


@dataclass
class LoadResult:
    tool: str
    concurrency: int
    requests: int
    seconds: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    errors: int  # connect/read/write errors, timeouts and non-2xx answers
    wraps: int  # a request file slice was replayed: retried MessageSids reached the service

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "rps": round(self.rps, 1)}


def wrk_path() -> str | None:
    return shutil.which("wrk")


def install_wrk() -> str | None:
    """apt-get install wrk (root only, and only in a full run); None when that is not possible."""
    if wrk_path():
        return wrk_path()
    apt = shutil.which("apt-get")
    if apt is None:
        return None
    subprocess.run([apt, "install", "-y", "-qq", "wrk"], capture_output=True, timeout=300, check=False)
    return wrk_path()


def run_wrk(url: str, file: Path, offset: int, count: int, concurrency: int, seconds: float) -> LoadResult:
    threads = min(2, concurrency)
    host = url.split("://", 1)[1].split("/", 1)[0]
    argv = [
        "wrk",
        "-t",
        str(threads),
        "-c",
        str(concurrency),
        "-d",
        f"{seconds:g}s",
        "--timeout",
        "10s",
        "-s",
        str(LUA),
        url + "/sms/twilio",
        "--",
        str(file),
        str(offset),
        str(count),
        str(threads),
        host,
    ]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 60, check=False)
    line = next((x for x in done.stdout.splitlines() if x.startswith("WRK_RESULT ")), None)
    if done.returncode != 0 or line is None:
        raise BenchError(f"wrk failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    r = json.loads(line.split(" ", 1)[1])
    errors = r["connect_errors"] + r["read_errors"] + r["write_errors"] + r["status_errors"] + r["timeouts"]
    return LoadResult(
        "wrk",
        concurrency,
        r["requests"],
        r["duration_us"] / 1e6,
        r["p50_us"] / 1000,
        r["p90_us"] / 1000,
        r["p99_us"] / 1000,
        r["max_us"] / 1000,
        errors,
        r["wraps"],
    )


def _read_slice(file: Path, offset: int, count: int) -> list[tuple[str, str]]:
    out = []
    with file.open(encoding="ascii") as f:
        for i, line in enumerate(f):
            if i >= offset + count:
                break
            if i >= offset:
                signature, body = line.rstrip("\n").split("\t", 1)
                out.append((signature, body))
    return out


def _connection_loop(
    host: str, port: int, requests: list[tuple[str, str]], stop_at: float, out: dict[str, Any]
) -> None:
    conn = http.client.HTTPConnection(host, port, timeout=10)
    latencies: list[float] = []
    errors = wraps = i = 0
    while time.monotonic() < stop_at:
        if i >= len(requests):
            i, wraps = 0, wraps + 1
        signature, body = requests[i]
        i += 1
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": signature,
            "User-Agent": "TwilioProxy/1.1",
        }
        start = time.monotonic()
        try:
            conn.request("POST", "/sms/twilio", body, headers)
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                errors += 1
        except (OSError, http.client.HTTPException):
            errors += 1
            conn.close()
            continue
        latencies.append(time.monotonic() - start)
    conn.close()
    out.update(latencies=latencies, errors=errors, wraps=wraps)


def _process(
    host: str, port: int, shares: list[list[tuple[str, str]]], start_at: float, seconds: float, queue: Any
) -> None:
    while time.monotonic() < start_at:
        time.sleep(0.001)
    results: list[dict[str, Any]] = [{} for _ in shares]
    stop_at = start_at + seconds
    workers = [
        threading.Thread(target=_connection_loop, args=(host, port, share, stop_at, res), daemon=True)
        for share, res in zip(shares, results, strict=True)
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=seconds + 30)
    queue.put(results)


def run_python(url: str, file: Path, offset: int, count: int, concurrency: int, seconds: float) -> LoadResult:
    host, port = url.split("://", 1)[1].split("/", 1)[0].split(":")
    requests = _read_slice(file, offset, count)
    shares = [requests[k::concurrency] for k in range(concurrency)]
    nproc = min(4, max(1, (concurrency + 7) // 8))
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    start_at = time.monotonic() + 0.5
    procs = [
        ctx.Process(target=_process, args=(host, int(port), shares[k::nproc], start_at, seconds, queue), daemon=True)
        for k in range(nproc)
    ]
    for p in procs:
        p.start()
    results: list[dict[str, Any]] = []
    try:
        for _ in procs:
            results += queue.get(timeout=seconds + 60)
    finally:
        for p in procs:
            p.join(timeout=5)
            if p.is_alive():
                p.kill()
    latencies = sorted(x for r in results for x in r.get("latencies", []))
    if not latencies:
        raise BenchError("the Python load generator got no answer")

    def pct(q: float) -> float:
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000

    return LoadResult(
        "python",
        concurrency,
        len(latencies),
        seconds,
        pct(0.50),
        pct(0.90),
        pct(0.99),
        latencies[-1] * 1000,
        sum(r.get("errors", 0) for r in results),
        sum(r.get("wraps", 0) for r in results),
    )


def run(tool: str, url: str, file: Path, offset: int, count: int, concurrency: int, seconds: float) -> LoadResult:
    if tool == "wrk":
        return run_wrk(url, file, offset, count, concurrency, seconds)
    return run_python(url, file, offset, count, concurrency, seconds)
