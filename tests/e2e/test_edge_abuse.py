"""Issue 16 point 5 through real processes: a 300 MB unsigned body, declared or chunked, is refused
with 413 in under a second under `f0care serve` (werkzeug) and gunicorn (sync and threaded workers),
the server grows by under 20 MB, no worker dies, and the next signed SMS is answered.

Memory is each server process's peak resident size (VmHWM in /proc), read after a first signed SMS
has warmed the process up and again after the oversized posts.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from f0care.config import load_config
from tests.support.abuse import Serve, memory_kib, stream_oversized
from tests.support.processes import (
    Gunicorn,
    Process,
    Webhook,
    child_pids,
    dump_logs,
    free_port,
    sqlite_database,
    write_config,
)

pytestmark = pytest.mark.e2e

BODY = 300 * 1024 * 1024
LIMIT_SECONDS = 1.0
GROWTH_LIMIT_KIB = 20 * 1024
PATIENT = "+84987654321"
PATHS = ("/sms/twilio", "/sms/twilio/status")


@dataclass
class Server:
    name: str
    hook: Webhook
    process: Process
    pids: list[int]  # the processes that handle requests (gunicorn's workers; serve itself)


@pytest.fixture(params=["serve", "gunicorn-sync", "gunicorn-threads"])
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Server]:
    failed_before = request.session.testsfailed
    with ExitStack() as stack:
        url = stack.enter_context(sqlite_database(tmp_path))
        port = free_port()
        config = write_config(tmp_path, url, f"http://127.0.0.1:{port}", {"provider": "console"})
        token = load_config(config, environ={}).webhook_auth_token
        if request.param == "serve":
            serve = Serve.launch(config, port, tmp_path)
            stack.callback(serve.process.stop)
            process, pids = serve.process, [serve.process.pid]
        else:
            gunicorn = Gunicorn.launch(config, port, tmp_path, workers=2, threads=1 if "sync" in request.param else 4)
            stack.callback(gunicorn.process.stop)
            process, pids = gunicorn.process, gunicorn.wait_ready()
        yield Server(request.param, Webhook(f"http://127.0.0.1:{port}", token), process, pids)
        dump_logs([process], request.session.testsfailed > failed_before)


def peaks(pids: list[int]) -> dict[int, int]:
    return {pid: memory_kib(pid, "VmHWM") for pid in pids}


def test_a_300_mb_unsigned_body_gets_413_at_once_and_costs_the_server_no_memory(server: Server) -> None:
    with requests.Session() as http:
        for _ in server.pids:  # every worker has answered once: its peak is a warm one
            assert server.hook.sms(http, PATIENT, "TRO GIUP")
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
        assert sorted(server.pids) == sorted(child_pids(server.process.pid)), "a worker died"
    growth = {pid: peak - before[pid] for pid, peak in peaks(server.pids).items()}
    assert max(growth.values()) < GROWTH_LIMIT_KIB, growth
    with requests.Session() as http:
        assert server.hook.sms(http, PATIENT, "TRO GIUP")
    print(f"\n{server.name}: {[round(a.seconds * 1000, 1) for *_, a in answers]} ms, growth KiB {growth}")
