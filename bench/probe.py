"""Alert latency: red answers posted at a steady rate beside the main load, timed to the stub's acceptance.

Each probe is a signed webhook post of a red declaration from a patient kept out of the load file.
Its latency is from just before the post to the moment the stub accepted the clinic's last staff
alert naming that patient (all staff told); the first staff alert is kept too.
"""

from __future__ import annotations

import http.client
import threading
import time
from dataclasses import dataclass, field
from itertools import cycle
from typing import Any

from bench.service import Seeded
from bench.traffic import Post, Signer
from tests.support.processes import http_json

RED = "93 24 118 38.2 1 0"


@dataclass
class Probe:
    code: str
    clinic_id: str
    posted_at: float
    status: int


@dataclass
class Prober:
    url: str  # the service's base URL
    patients: list[Seeded]
    interval: float
    prefix: str = "e0"  # MessageSid prefix: a new one per level, or the posts would be retries
    probes: list[Probe] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def __post_init__(self) -> None:
        self._signer = Signer(self.url + "/sms/twilio", self.prefix)
        self._next = cycle(self.patients)

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="alert-prober", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=15)

    def _run(self) -> None:
        host, port = self.url.split("://", 1)[1].split(":")
        while not self._stop.wait(self.interval):
            patient = next(self._next)
            signature, body, _sid = self._signer.sign(Post(patient.phone, patient.code, RED, "red"))
            headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature}
            conn = http.client.HTTPConnection(host, int(port), timeout=10)
            posted = time.time()
            try:
                conn.request("POST", "/sms/twilio", body, headers)
                status = conn.getresponse().status
            except (OSError, http.client.HTTPException):
                status = 0
            finally:
                conn.close()
            self.probes.append(Probe(patient.code, patient.clinic_id, posted, status))


def latencies(
    probes: list[Probe], stub_url: str, staff: dict[str, list[str]], offset: int, wait: float
) -> dict[str, Any]:
    """Match each probe with the staff alerts that name its patient (FIFO per patient); waits up to `wait` s."""
    deadline = time.monotonic() + wait
    ok = [p for p in probes if p.status == 200]
    while True:
        messages = http_json(f"{stub_url}/messages?offset={offset}")
        pending: dict[str, list[dict[str, Any]]] = {}
        for m in messages:
            body = m["body"] or ""
            if body.startswith("CANH BAO DO "):
                code = body.split()[3]
                pending.setdefault(f"{code}|{m['to']}", []).append(m)
        all_staff, first = [], []
        missing = 0
        for p in ok:
            times = []
            for phone in staff[p.clinic_id]:
                queue = pending.get(f"{p.code}|{phone}", [])
                match = next((m for m in queue if m["t"] >= p.posted_at - 0.001), None)
                if match is None:
                    break
                queue.remove(match)
                times.append(match["t"])
            if len(times) < len(staff[p.clinic_id]):
                missing += 1
                continue
            all_staff.append(max(times) - p.posted_at)
            first.append(min(times) - p.posted_at)
        if not missing or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    return {
        "probes": len(probes),
        "answered": len(ok),
        "delivered": len(all_staff),
        "missing": missing,
        "all_staff_s": sorted(all_staff),
        "first_staff_s": sorted(first),
    }


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]
