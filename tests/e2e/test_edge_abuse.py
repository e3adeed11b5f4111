"""Issue 16 point 5 through real processes: a 300 MB unsigned body, declared or chunked, is refused
with 413 in under a second under `f0care serve` (werkzeug) and gunicorn (sync and threaded workers),
the server grows by under 20 MB, no worker dies, and the next signed SMS is answered.

Memory is each server process's peak resident size (VmHWM in /proc), read after a first signed SMS
has warmed the process up and again after the oversized posts.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from f0care.config import load_config
from tests.support.abuse import stream_oversized
from tests.support.databases import schema_database
from tests.support.processes import Proc, Processes, children, free_port, peak_rss_mb
from tests.support.service import start_gunicorn, start_serve, write_config
from tests.support.webhook import Webhook

pytestmark = pytest.mark.e2e

BODY = 300 * 1024 * 1024
LIMIT_SECONDS = 1.0
GROWTH_LIMIT_MB = 20.0
PATIENT = "+84987654321"
PATHS = ("/sms/twilio", "/sms/twilio/status")


@dataclass
class Server:
    name: str
    hook: Webhook
    proc: Proc
    pids: list[int]  # the processes that handle requests (gunicorn's workers; serve itself)


@pytest.fixture(params=["serve", "gunicorn-sync", "gunicorn-threads"])
def server(request: pytest.FixtureRequest, procs: Processes, tmp_path: Path) -> Iterator[Server]:
    with schema_database("sqlite", tmp_path) as url:
        port = free_port()
        config = write_config(tmp_path, url, f"http://127.0.0.1:{port}", {"provider": "console"})
        token = load_config(config, environ={}).webhook_auth_token
        if request.param == "serve":
            proc = start_serve(procs, config, port, "f0care-serve", "--no-scheduler")
            pids = [proc.pid]
        else:
            threads = 1 if "sync" in request.param else 4
            gunicorn = start_gunicorn(procs, config, port, workers=2, threads=threads)
            proc, pids = gunicorn.proc, gunicorn.worker_pids()
        with closing(Webhook(f"http://127.0.0.1:{port}", token)) as hook:
            yield Server(request.param, hook, proc, pids)


def peak(pid: int) -> float:
    """The process's peak resident size (VmHWM) in MB."""
    mb = peak_rss_mb(pid)
    assert mb is not None, f"no VmHWM in /proc/{pid}/status"
    return mb


def peaks(pids: list[int]) -> dict[int, float]:
    return {pid: peak(pid) for pid in pids}


def test_a_300_mb_unsigned_body_gets_413_at_once_and_costs_the_server_no_memory(server: Server) -> None:
    with requests.Session() as http:
        for _ in server.pids:  # every worker has answered once: its peak is a warm one
            assert server.hook.sms(PATIENT, "TRO GIUP", http=http)
    before = peaks(server.pids)

    answers = [
        (path, chunked, stream_oversized(server.hook.base_url, path, BODY, chunked))
        for path in PATHS
        for chunked in (False, True)
        for _ in server.pids  # likely to reach every worker
    ]

    for path, chunked, answer in answers:
        kind = "chunked" if chunked else "declared"
        assert answer.status == 413, (server.name, path, kind, answer)
        assert answer.seconds < LIMIT_SECONDS, (server.name, path, kind, answer)
        assert answer.sent < BODY // 10, (server.name, path, kind, answer)  # nobody read the whole body
    if server.name.startswith("gunicorn"):
        assert sorted(server.pids) == sorted(children(server.proc.pid)), "a worker died"
    growth = {pid: mb - before[pid] for pid, mb in peaks(server.pids).items()}
    assert max(growth.values()) < GROWTH_LIMIT_MB, growth
    with requests.Session() as http:
        assert server.hook.sms(PATIENT, "TRO GIUP", http=http)
    print(f"\n{server.name}: {[round(a.seconds * 1000, 1) for *_, a in answers]} ms, growth MB {growth}")
