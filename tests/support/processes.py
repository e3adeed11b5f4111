"""Real service processes for the fault tests: gunicorn web workers, `f0care worker`, their configs.

Everything listens on loopback. A process is started with a temporary config.yaml (secrets
through the environment) and stopped at the end; its output goes to files the test prints
when it fails.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
import requests
import yaml
from twilio.request_validator import RequestValidator

from models.db import create_schema, make_engine
from tests.support import databases

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
STARTUP_TIMEOUT = 30.0
STOP_TIMEOUT = 15.0
POSTGRES_SKIPPED = f"PostgreSQL tests skipped: set {databases.ENV}={databases.EXAMPLE_URL} to run them"
SERVICE_NUMBER = "+84900000000"
ACCOUNT_SID = "AC" + "fa17" * 8  # made up: "AC" + 32 hex digits
AUTH_TOKEN = "faults-" + "7c1d" * 6  # made up; reaches the processes only through their environment
SECRET_KEY = "faults-secret-" + "5e9a" * 8  # made up, 46 characters; through the environment too


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def script(name: str) -> str:
    """A console script installed next to this interpreter (gunicorn, f0care)."""
    path = BIN / name
    assert path.exists(), f"{name} is not installed at {path}"
    return str(path)


@contextmanager
def postgres_database() -> Iterator[str]:
    """A fresh PostgreSQL database with the schema (its URL), dropped afterwards; skips without one."""
    base = databases.postgres_url()
    if base is None:
        pytest.skip(POSTGRES_SKIPPED)
    url = databases.create_database(base)
    rendered = url.render_as_string(hide_password=False)
    try:
        engine = make_engine(rendered)
        create_schema(engine)
        engine.dispose()
        yield rendered
    finally:
        databases.drop_database(base, str(url.database))


@contextmanager
def sqlite_database(tmp_path: Path) -> Iterator[str]:
    """A SQLite file database with the schema (its URL)."""
    url = f"sqlite:///{tmp_path / 'faults.db'}"
    engine = make_engine(url)
    create_schema(engine)
    engine.dispose()
    yield url


@contextmanager
def database(kind: str, tmp_path: Path) -> Iterator[str]:
    """`kind` is "postgres" or "sqlite"."""
    with postgres_database() if kind == "postgres" else sqlite_database(tmp_path) as url:
        yield url


def write_config(tmp_path: Path, database_url: str, public_url: str, gateway: dict[str, Any] | None = None) -> Path:
    """The shipped config.yaml with this database, public URL and gateway settings."""
    data: dict[str, Any] = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    data["database"]["url"] = database_url
    data["service"]["public_url"] = public_url
    data["gateway"].update(gateway or {})
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert AUTH_TOKEN not in path.read_text(encoding="utf-8")
    return path


def twilio_gateway(api_base_url: str, **extra: Any) -> dict[str, Any]:
    """Gateway settings for the twilio provider pointed at a stub; credentials come from the env."""
    return {
        "provider": "twilio",
        "twilio": {
            "account_sid": "${TWILIO_ACCOUNT_SID}",
            "auth_token": "${TWILIO_AUTH_TOKEN}",
            "from_number": SERVICE_NUMBER,
            "api_base_url": api_base_url,
        },
        **extra,
    }


def service_env(**extra: str) -> dict[str, str]:
    """This environment without the variables that would override the temp config."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "F0CARE_CONFIG"}}
    env.update(
        TWILIO_ACCOUNT_SID=ACCOUNT_SID,
        TWILIO_AUTH_TOKEN=AUTH_TOKEN,
        F0CARE_SECRET_KEY=SECRET_KEY,
        PYTHONUNBUFFERED="1",
        **extra,
    )
    return env


@dataclass
class Process:
    """A started process whose stdout and stderr go to one log file."""

    name: str
    popen: subprocess.Popen[bytes]
    log_path: Path

    @classmethod
    def start(cls, name: str, command: list[str], env: dict[str, str], tmp_path: Path) -> Process:
        log_path = tmp_path / f"{name}.log"
        with log_path.open("wb") as log:
            popen = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT)
        return cls(name, popen, log_path)

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> int | None:
        """SIGTERM, then SIGKILL if it has not exited in time; the exit code."""
        if self.alive():
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(timeout=STOP_TIMEOUT)
        return self.popen.returncode

    def assert_alive(self) -> None:
        if not self.alive():
            pytest.fail(f"{self.name} exited with {self.popen.returncode}:\n{self.log()}")


def child_pids(pid: int) -> list[int]:
    """The live children of a process (a gunicorn master's workers)."""
    out = subprocess.run(["ps", "--ppid", str(pid), "-o", "pid="], capture_output=True, text=True, check=False)
    return [int(word) for word in out.stdout.split()]


@dataclass
class Webhook:
    """Signed Twilio-style posts to a running web service."""

    base_url: str
    token: str
    _next_sid: Iterator[int] = field(default_factory=lambda: iter(range(1, 10**9)))

    def params(self, sender: str, text: str, sid: str | None = None) -> dict[str, str]:
        return {
            "MessageSid": sid or f"SM{next(self._next_sid):032x}",
            "AccountSid": ACCOUNT_SID,
            "From": sender,
            "To": SERVICE_NUMBER,
            "Body": text,
            "NumMedia": "0",
            "NumSegments": "1",
        }

    def post(self, http: requests.Session, params: dict[str, str], timeout: float = 20) -> requests.Response:
        signature = RequestValidator(self.token).compute_signature(self.base_url + "/sms/twilio", params)
        headers = {"X-Twilio-Signature": str(signature)}
        return http.post(self.base_url + "/sms/twilio", data=params, headers=headers, timeout=timeout)

    def sms(self, http: requests.Session, sender: str, text: str) -> str:
        """One signed SMS that must be answered with 200; the TwiML reply text."""
        response = self.post(http, self.params(sender, text))
        assert response.status_code == 200, (text, response.status_code, response.text)
        return reply_text(response)


def reply_text(response: requests.Response) -> str:
    """The text of a TwiML answer ('' for an empty <Response/>)."""
    assert response.headers["Content-Type"].startswith("text/xml"), response.headers
    root = ElementTree.fromstring(response.text)
    assert root.tag == "Response", response.text
    return "\n".join(m.text or "" for m in root.iter("Message"))


@dataclass
class Gunicorn:
    """`gunicorn -c gunicorn.conf.py f0care.wsgi:app` on a free loopback port."""

    process: Process
    base_url: str
    workers: int

    @classmethod
    def launch(cls, config: Path, port: int, tmp_path: Path, workers: int = 3, threads: int = 1) -> Gunicorn:
        """Start the master (it forks the workers); `wait_ready` before posting."""
        env = service_env(
            F0CARE_CONFIG=str(config),
            F0CARE_BIND=f"127.0.0.1:{port}",
            F0CARE_WEB_WORKERS=str(workers),
            F0CARE_WEB_THREADS=str(threads),
        )
        command = [script("gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"), "f0care.wsgi:app"]
        return cls(Process.start("gunicorn", command, env, tmp_path), f"http://127.0.0.1:{port}", workers)

    def worker_pids(self) -> list[int]:
        return child_pids(self.process.pid)

    def wait_ready(self, replaced: int | None = None) -> list[int]:
        """Poll until every worker is up and /healthz answers (and `replaced` is gone); the worker pids."""
        deadline = time.monotonic() + STARTUP_TIMEOUT
        last = "no answer"
        with requests.Session() as http:
            while time.monotonic() < deadline:
                self.process.assert_alive()
                pids = self.worker_pids()
                try:
                    response = http.get(self.base_url + "/healthz", timeout=2)
                    last = f"HTTP {response.status_code}: {response.text.strip()}"
                    healthy = response.status_code == 200
                except requests.RequestException as exc:  # not listening yet, or no worker booted yet
                    last, healthy = type(exc).__name__, False
                if healthy and len(pids) == self.workers and replaced not in pids:
                    return pids
                time.sleep(0.1)  # process start-up only
        pytest.fail(f"gunicorn not ready after {STARTUP_TIMEOUT:g} s ({last}):\n{self.process.log()}")


def start_worker(config: Path, tmp_path: Path, name: str, *args: str) -> Process:
    """`f0care --config CONFIG worker ARGS`."""
    command = [script("f0care"), "--config", str(config), "worker", *args]
    return Process.start(name, command, service_env(), tmp_path)


def dump_logs(processes: list[Process], failed: bool) -> None:
    """Print the processes' output after a failed test (the logs hold no secrets: no form bodies)."""
    if not failed:
        return
    for process in processes:
        print(f"\n----- {process.name} (pid {process.pid}, exit {process.popen.returncode}) -----", file=sys.stderr)
        print(process.log()[-20000:], file=sys.stderr)
