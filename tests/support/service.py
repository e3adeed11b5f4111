"""The service as real processes: its config file, gunicorn, `f0care serve`, `f0care worker`, the Twilio stub.

Everything listens on loopback. A config is the shipped config.yaml with the database, the public
URL and the gateway replaced; the Twilio credentials reach the processes only through their
environment. Only the standard library on top of yaml: the benchmarks' runner imports this module.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from f0care.config import load_config
from tests.support.processes import (
    ROOT,
    Proc,
    ProcessError,
    Processes,
    children,
    http_status,
    script,
    wait_http,
    wait_line,
)

ACCOUNT_SID = "AC" + "5e2e" * 8  # made up: "AC" + 32 hex digits
AUTH_TOKEN = "stub-" + "9f3c" * 7  # made up; reaches the processes only through their environment
SERVICE_NUMBER = "+84900000000"
READY_TIMEOUT = 60.0


def twilio_gateway(api_base_url: str, **extra: Any) -> dict[str, Any]:
    """Gateway settings for the twilio provider pointed at a stub; the credentials come from the environment."""
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


def write_config(
    directory: Path,
    database_url: str,
    public_url: str,
    gateway: dict[str, Any] | None = None,
    *,
    service: dict[str, Any] | None = None,
    logging: dict[str, Any] | None = None,
    sections: dict[str, dict[str, Any]] | None = None,
    name: str = "config",
) -> Path:
    """`<directory>/<name>.yaml`: the shipped config.yaml with this database, public URL, gateway, service, logging."""
    data: dict[str, Any] = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    data["database"]["url"] = database_url
    data["service"]["public_url"] = public_url
    data["service"].update(service or {})
    data["gateway"].update(gateway or {})
    data["logging"].update(logging or {})
    for section, values in (sections or {}).items():
        data.setdefault(section, {}).update(values)
    path = directory / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    if AUTH_TOKEN in path.read_text(encoding="utf-8"):
        raise ProcessError(f"{path} holds the auth token: it must come from the environment")
    return path


SECRET_KEY = "tests-secret-" + "5e9a" * 8  # made up (44 characters): the twilio provider needs a real-looking key


def service_env(config: Path | None = None, **extra: str) -> dict[str, str]:
    """This environment with the Twilio credentials (and F0CARE_CONFIG), without what would override the config."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "F0CARE_CONFIG"}}
    env.update(
        TWILIO_ACCOUNT_SID=ACCOUNT_SID,
        TWILIO_AUTH_TOKEN=AUTH_TOKEN,
        F0CARE_SECRET_KEY=SECRET_KEY,
        PYTHONUNBUFFERED="1",
        PYTHONPATH=str(ROOT),
    )
    if config is not None:
        env["F0CARE_CONFIG"] = str(config)
    env.update(extra)
    return env


@dataclass
class Gunicorn:
    """A gunicorn master (`gunicorn -c gunicorn.conf.py APP`) and its workers on a loopback port."""

    proc: Proc
    base_url: str
    workers: int

    def worker_pids(self) -> list[int]:
        return children(self.proc.pid)

    def wait_ready(
        self, replaced: int | None = None, timeout: float = READY_TIMEOUT, healthy: bool = True
    ) -> list[int]:
        """Until every worker is up and /healthz answers 200 (and `replaced` is gone); the worker pids.

        With `healthy=False` any HTTP answer will do (503 while the database is away).
        """
        deadline = time.monotonic() + timeout
        last = "no answer"
        while time.monotonic() < deadline:
            self.proc.check_alive()
            pids = self.worker_pids()
            last = http_status(self.base_url + "/healthz")
            answered = last == "HTTP 200" or (not healthy and last.startswith("HTTP "))
            if answered and len(pids) == self.workers and replaced not in pids:
                return pids
            time.sleep(0.1)  # process start-up only
        raise ProcessError(f"{self.proc.name} not ready after {timeout:g} s ({last}); log:\n{self.proc.tail()}")


def start_gunicorn(
    procs: Processes,
    config: Path,
    port: int,
    *,
    app: str = "f0care.wsgi:app",
    workers: int = 3,
    threads: int = 1,
    name: str = "gunicorn",
    healthy: bool = True,
) -> Gunicorn:
    """gunicorn with the repo's gunicorn.conf.py (`f0care.wsgi:app` or `bench.bare_app:app`), ready.

    `healthy=False`: ready once every worker answers /healthz at all (a test of a database outage).
    """
    env = service_env(
        config, F0CARE_BIND=f"127.0.0.1:{port}", F0CARE_WEB_WORKERS=str(workers), F0CARE_WEB_THREADS=str(threads)
    )
    proc = procs.start(name, [script("gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"), app], env)
    web = Gunicorn(proc, f"http://127.0.0.1:{port}", workers)
    web.wait_ready(healthy=healthy)
    return web


def start_serve(
    procs: Processes, config: Path, port: int, name: str = "f0care-serve", *args: str, host: str = "127.0.0.1"
) -> Proc:
    """`f0care --config CONFIG serve --host HOST --port PORT ARGS`, answering /healthz on loopback."""
    argv = [script("f0care"), "--config", str(config), "serve", "--host", host, "--port", str(port), *args]
    proc = procs.start(name, argv, service_env(config))
    wait_http(f"http://127.0.0.1:{port}/healthz", proc, timeout=READY_TIMEOUT)
    return proc


def start_worker(procs: Processes, config: Path, name: str = "f0care-worker", *args: str) -> Proc:
    """`f0care --config CONFIG worker ARGS` (an outbox sender)."""
    return procs.start(name, [script("f0care"), "--config", str(config), "worker", *args], service_env(config))


@contextmanager
def stub_process(procs: Processes, *flags: str) -> Iterator[tuple[Proc, str]]:
    """The Twilio stub (tests.support.twilio_stub) as its own process; yields it and its base URL."""
    argv = [sys.executable, "-m", "tests.support.twilio_stub", "--account-sid", ACCOUNT_SID, "--auth-token", AUTH_TOKEN]
    proc = procs.start("twilio-stub", [*argv, *flags], service_env())
    try:
        port = int(wait_line(proc, "listening ").split()[1])
        yield proc, f"http://127.0.0.1:{port}"
    finally:
        proc.stop()


def sms_staff(clinic_id: str) -> list[str]:
    """The E.164 phones of a clinic's staff who get its SMS, as the service reads them from config.yaml
    (a `district` officer only reads the web console)."""
    config = load_config(ROOT / "config.yaml", environ={})
    clinic = next(c for c in config.clinics if c.id == clinic_id)
    return [member.phone for member in clinic.staff if member.role != "district"]
