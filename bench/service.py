"""The service under test: a fresh database, its config file and seeded patients.

A benchmark gets a new SQLite file or a new PostgreSQL database (`f0bench_<pid>_<name>`, dropped
afterwards), a config.yaml made from the shipped one (provider twilio pointed at the stub,
credentials in the environment only), and patients seeded straight into the tables in bulk. The
processes themselves are started with tests.support.service, as the end-to-end tests start them.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from tests.support.processes import ROOT, Proc, ProcessError, Processes, script
from tests.support.service import service_env, twilio_gateway, write_config

POSTGRES_ENV = ("F0CARE_BENCH_POSTGRES_URL", "F0CARE_TEST_POSTGRES_URL")
POSTGRES_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
TIMEZONE = "Asia/Ho_Chi_Minh"
SEED_CHUNK = 5000
CODE_FIRST = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # the service's patient-code alphabet (dialogs.render)
CODE_REST = CODE_FIRST + "23456789"
FAMILY = ("Nguyen", "Tran", "Le", "Pham", "Hoang", "Vu", "Dang", "Bui", "Do", "Ngo")
MIDDLE = ("Van", "Thi", "Duc", "Minh", "Thu", "Ngoc", "Quang", "Hong")

GIVEN = ("An", "Binh", "Chi", "Dung", "Giang", "Hoa", "Khanh", "Lan", "Mai", "Nam", "Phuong", "Son", "Tuan", "Yen")


class BenchError(ProcessError):
    """A benchmark could not run (a process died, a timeout passed): the message says which and where."""


def postgres_base() -> str:
    for name in POSTGRES_ENV:
        if os.environ.get(name, "").strip():
            return os.environ[name].strip()
    return POSTGRES_DEFAULT


def postgres_problem(base: str) -> str | None:
    """Why PostgreSQL cannot be used (one line), or None."""
    try:
        engine = create_engine(base, poolclass=NullPool, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
        engine.dispose()
        return None
    except Exception as exc:  # any driver error: say it and go on without PostgreSQL
        return f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"


def _admin(base: str) -> Any:
    return create_engine(base, isolation_level="AUTOCOMMIT", poolclass=NullPool)


@contextmanager
def fresh_database(kind: str, workdir: Path, name: str) -> Iterator[str]:
    """A new, empty database of `kind` ("sqlite" or "postgres"); its URL. Dropped/removed afterwards."""
    if kind == "sqlite":
        path = workdir / f"{name}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        try:
            yield f"sqlite:///{path}"
        finally:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    base = postgres_base()
    db = f"f0bench_{os.getpid()}_{name}".lower().replace("-", "_")[:60]
    admin = _admin(base)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{db}"'))
        conn.execute(text(f'CREATE DATABASE "{db}"'))
    try:
        yield make_url(base).set(database=db).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)'))
        admin.dispose()


def bench_config(
    workdir: Path, database_url: str, public_url: str, stub_url: str, *, ascii_sms: bool = True, name: str = "config"
) -> Path:
    """The shipped config.yaml with this database, public URL and the twilio provider on the stub."""
    # The stub accepts instantly: measure the service, not the rate limiter.
    gateway = twilio_gateway(stub_url, max_per_second=1_000_000)
    # The load comes from a few hosts at thousands a minute: measure the service, not its flood budget.
    unlimited = {"limits": {"inbound_per_minute": 10_000_000}}
    return write_config(
        workdir, database_url, public_url, gateway, service={"sms_ascii": ascii_sms}, sections=unlimited, name=name
    )


def upgrade(config: Path) -> None:
    """`f0care db upgrade` on the fresh database."""
    done = subprocess.run(
        [script("f0care"), "--config", str(config), "db", "upgrade"],
        env=service_env(config),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if done.returncode != 0:
        raise BenchError(f"f0care db upgrade failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")


@dataclass(frozen=True)
class Seeded:
    phone: str
    code: str
    clinic_id: str
    patient_id: int


def patient_code(i: int) -> str:
    first = CODE_FIRST[(i // 32**4) % len(CODE_FIRST)]
    rest = ""
    for _ in range(4):
        i, digit = divmod(i, 32)
        rest = CODE_REST[digit] + rest
    return first + rest


def patient_phone(i: int) -> str:
    return f"+8498{i:07d}"  # Viettel 098 mobiles; staff are 0912000xxx


def clinics() -> list[tuple[str, tuple[str, ...], list[str]]]:
    """(id, areas, phones of the staff who get its SMS) of each clinic in the shipped config (no district officers)."""
    from f0care.config import load_config

    config = load_config(ROOT / "config.yaml", environ={})
    return [(c.id, tuple(c.areas), [s.phone for s in c.staff if s.role != "district"]) for c in config.clinics]


def seed(url: str, count: int, today: date, households: int = 0, first: int = 0, history_days: int = 0) -> list[Seeded]:
    """`count` active patients, one phone each (plus `households` phones of three), with idle contacts;
    with `history_days`, each phone's answer and its reply on each of that many past mornings.

    The history is what a service in its second week holds: the `message` table is not empty when
    the load starts, and PostgreSQL's statistics (the ANALYZE below, as autovacuum would run) say so.
    On an empty table a prepared statement's generic plan reads `message` in full, and keeps that
    plan while the table grows when autovacuum is off (as on the CI server), which no running
    province sees (`docs/benchmarks.md`, fifth round).
    """
    from models.db import make_engine
    from models.tables import Contact, Message, Patient

    rng = random.Random(count * 7 + first)
    clinic_list = clinics()
    now = datetime.now(UTC)
    engine = make_engine(url)
    patients: list[dict[str, Any]] = []
    contacts: list[dict[str, Any]] = []
    seeded: list[Seeded] = []
    people = [(i, patient_phone(i)) for i in range(first, first + count)]
    for h in range(households):
        phone = patient_phone(first + count + h)
        people += [(first + count + households + 3 * h + k, phone) for k in range(3)]
    for i, phone in people:
        clinic_id, areas, _staff = clinic_list[i % len(clinic_list)]
        name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        patients.append(
            {
                "id": i + 1,
                "code": patient_code(i),
                "full_name": name,
                "birth_year": rng.randint(1945, 2008),
                "birth_date": None,
                "area": areas[i % len(areas)],
                "clinic_id": clinic_id,
                "phone": phone,
                "registered_by": phone,
                "positive_test_date": today - timedelta(days=i % 5),
                "symptoms": False,
                "risk_factors": [],
                "status": "active",
                "language": "vi",
                "created_at": now - timedelta(days=i % 5),
                "decided_at": now - timedelta(days=i % 5),
                "decided_by": "BS Lan",
                "decided_by_phone": "+84912000001",
                "call_needed": False,
            }
        )
        if not contacts or contacts[-1]["phone"] != phone:
            contacts.append({"phone": phone, "language": "vi", "opted_out": False, "state": "idle", "state_data": {}})
        seeded.append(Seeded(phone, patient_code(i), clinic_id, i + 1))
    messages = _history(seeded, history_days, now)
    with engine.begin() as conn:
        for model, rows in ((Patient, patients), (Contact, contacts), (Message, messages)):
            table = model.__table__  # type: ignore[union-attr]
            for start in range(0, len(rows), SEED_CHUNK):
                conn.execute(table.insert(), rows[start : start + SEED_CHUNK])
        if engine.dialect.name == "postgresql":
            top = max(p["id"] for p in patients) if patients else 0
            conn.execute(text(f"SELECT setval(pg_get_serial_sequence('patient', 'id'), {top + 1})"))
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE"))  # what autovacuum does after a bulk load
    engine.dispose()
    return seeded


def _history(seeded: list[Seeded], days: int, now: datetime) -> list[dict[str, Any]]:
    """Each phone's compact answer and the service's reply on each of the `days` past mornings."""
    phones: dict[str, int] = {}
    for one in seeded:
        phones.setdefault(one.phone, one.patient_id)  # a household's phone: its first patient
    rows: list[dict[str, Any]] = []
    for day in range(days, 0, -1):
        for n, (phone, patient_id) in enumerate(phones.items()):
            at = now - timedelta(days=day, seconds=n % 7200)
            same = {"phone": phone, "patient_id": patient_id, "channel": "sms", "priority": 0, "sensitive": False}
            inbound = {"direction": "in", "body": "97 18 86 36.8 0 0", "created_at": at, "kind": "inbound"}
            rows.append(same | inbound | {"provider_sid": f"SMhist{day:03d}{n:08d}", "status": "replied"})
            rows[-1] |= {"segments": 1, "attempts": 0, "sent_at": None}
            reply = {"direction": "out", "body": "Da ghi nhan. Cam on.", "created_at": at + timedelta(seconds=1)}
            rows.append(same | reply | {"provider_sid": None, "status": "sent", "kind": "reply"})
            rows[-1] |= {"segments": 1, "attempts": 1, "sent_at": at + timedelta(seconds=2)}
    return rows


def python_module(procs: Processes, name: str, module: str, args: list[str], config: Path) -> Proc:
    """`python -m MODULE ARGS` with the service's environment (a job, the plain loop)."""
    return procs.start(name, [sys.executable, "-m", module, *args], service_env(config))
