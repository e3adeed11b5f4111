"""Abuse resistance through real processes: refusals at start-up, masked JSON logs, one outbound budget.

- `f0care serve --host 0.0.0.0` with the console provider refuses to start (exit 2) unless
  --insecure-dev, and still wants a real secret key; gunicorn's workers refuse the same bind.
- `f0care check-config` reports a public_url with a query string.
- A worker logs in JSON lines, and a provider error quoting the full number is logged and stored masked.
- Three `f0care worker`s keep together to gateway.max_per_second (the stub's receive times).
"""

from __future__ import annotations

import json
import subprocess
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import insert
from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool
from sqlmodel import Session, select

from models.db import make_engine
from models.tables import Message
from tests.support import twilio_stub
from tests.support.databases import schema_database
from tests.support.processes import ROOT, Processes, free_port, script
from tests.support.service import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    service_env,
    start_serve,
    start_worker,
    twilio_gateway,
    write_config,
)
from tests.support.twilio_stub import TwilioStub

pytestmark = pytest.mark.e2e

PUBLIC_URL = "http://127.0.0.1:9"  # never called
PHONE = "+84912345678"
RATE, BURST_SECONDS, COUNT, WORKERS = 8.0, 1.0, 48, 3
POSTGRES = pytest.param("postgres", marks=pytest.mark.postgres)


def console_config(tmp_path: Path, **service: str) -> Path:
    return write_config(tmp_path, f"sqlite:///{tmp_path / 'f0care.db'}", PUBLIC_URL, service=service)


def f0care(config: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    command = [script("f0care"), "--config", str(config), *args]
    environment = env if env is not None else service_env()
    return subprocess.run(command, env=environment, capture_output=True, text=True, timeout=60, check=False)


def without_secret() -> dict[str, str]:
    env = service_env()
    env.pop("F0CARE_SECRET_KEY")
    return env


def test_serve_beyond_loopback_with_the_console_provider_refuses_to_start(tmp_path: Path) -> None:
    config = console_config(tmp_path)
    refused = f0care(config, "serve", "--host", "0.0.0.0", "--port", str(free_port()), env=without_secret())
    assert refused.returncode == 2, refused
    assert "--host 0.0.0.0: with gateway.provider console" in refused.stderr
    assert "--insecure-dev" in refused.stderr
    assert "service.secret_key: is unset" in refused.stderr
    insecure = f0care(config, "serve", "--host", "0.0.0.0", "--insecure-dev", env=without_secret())
    assert insecure.returncode == 2
    assert "--host" not in insecure.stderr
    assert "service.secret_key: is unset" in insecure.stderr
    assert "F0CARE_SECRET_KEY" in insecure.stderr


def test_serve_beyond_loopback_starts_with_insecure_dev_and_a_secret_key(tmp_path: Path, procs: Processes) -> None:
    config = console_config(tmp_path)
    start_serve(procs, config, free_port(), "serve", "--no-scheduler", "--insecure-dev", host="0.0.0.0")


def test_gunicorn_workers_refuse_to_boot_on_all_interfaces_with_the_console_provider(tmp_path: Path) -> None:
    env = service_env(console_config(tmp_path), F0CARE_BIND=f"0.0.0.0:{free_port()}", F0CARE_WEB_WORKERS="1")
    command = [script("gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"), "f0care.wsgi:app"]
    done = subprocess.run(command, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode != 0
    assert "refusing to start" in done.stderr
    assert "--insecure-dev" in done.stderr


def test_check_config_reports_a_public_url_with_a_query_string(tmp_path: Path) -> None:
    done = f0care(console_config(tmp_path, public_url="https://f0.example.vn/?key=1"), "check-config")
    assert done.returncode == 2
    assert "service.public_url:" in done.stderr
    assert "query string" in done.stderr


def test_a_worker_logs_json_lines_and_masks_a_provider_error_quoting_the_full_number(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(twilio_stub._MESSAGES, 21211, f"The 'To' number {PHONE} is not a valid phone number.")
    with TwilioStub(ACCOUNT_SID, AUTH_TOKEN) as stub, schema_database("sqlite", tmp_path) as url:
        stub.reject_numbers[PHONE] = 21211
        db = make_engine(url, poolclass=NullPool)
        queue(db, [PHONE, "+84912000777"])
        config = write_config(tmp_path, url, PUBLIC_URL, twilio_gateway(stub.url), logging={"format": "json"})
        done = f0care(config, "worker", "--once")
        with Session(db) as session:
            rows = {m.phone: m for m in session.exec(select(Message))}
        db.dispose()
    assert done.returncode == 0, done.stderr
    assert "delivered 2 message(s)" in done.stdout
    lines = [json.loads(line) for line in done.stderr.splitlines()]
    warned = [line["message"] for line in lines if line["level"] == "WARNING"]
    assert any("The 'To' number +84******678 is not a valid phone number" in text for text in warned), lines
    assert "912345" not in done.stderr + done.stdout
    assert rows[PHONE].status == "failed"
    assert "The 'To' number +84******678 is not a valid" in (rows[PHONE].error or "")
    assert rows["+84912000777"].status == "sent"


def queue(db: Engine, phones: list[str]) -> None:
    now = datetime.now(UTC)
    rows = [
        {"direction": "out", "phone": phone, "body": f"Thong bao {i:03d}", "created_at": now, "kind": "notice"}
        | {"status": "queued", "segments": 1, "attempts": 0, "sensitive": False, "channel": "sms"}
        for i, phone in enumerate(phones)
    ]
    with Session(db) as session:
        session.execute(insert(Message), rows)
        session.commit()


@pytest.mark.parametrize("kind", [POSTGRES, "sqlite"])
def test_three_workers_keep_together_to_the_configured_rate(tmp_path: Path, procs: Processes, kind: str) -> None:
    with ExitStack() as stack:
        stub = stack.enter_context(TwilioStub(ACCOUNT_SID, AUTH_TOKEN))
        url = stack.enter_context(schema_database(kind, tmp_path))
        stack.callback(procs.stop_all)  # before the database is dropped
        db = make_engine(url, poolclass=NullPool)
        stack.callback(db.dispose)
        queue(db, [f"+84987{i:06d}" for i in range(COUNT)])
        gateway = twilio_gateway(stub.url, max_per_second=RATE, burst_seconds=BURST_SECONDS)
        config = write_config(tmp_path, url, PUBLIC_URL, gateway)
        for n in range(WORKERS):
            start_worker(procs, config, f"worker-{n + 1}")
        assert stub.wait_for(COUNT, timeout=120), f"{len(stub.messages)} of {COUNT} sent"
        received = [accepted.at for accepted in stub.accepted()]
    times = sorted(received)
    burst = RATE * BURST_SECONDS
    # Any stretch of the sends: at most the burst plus the rate for its length, and per worker one
    # message taken before the stretch but received in it and the share it took ahead (< 1).
    # Three workers each at the rate would send 24 at once and the rest in 1 s.
    slack = burst + 2 * WORKERS
    worst = max(j - i + 1 - RATE * (times[j] - times[i]) for i in range(len(times)) for j in range(i, len(times)))
    assert worst <= slack, f"{worst:.1f} more than the rate allows"
    took = times[-1] - times[0]
    assert took >= (COUNT - slack) / RATE, f"{COUNT} sends in {took:.2f} s"
