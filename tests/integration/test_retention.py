"""Retention on both databases: the records of patients closed longer ago than the policy are
exported, then deleted; everyone else's stay; only counts are kept."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import func, select
from sqlmodel import Session, col

from f0care.cli import main
from f0care.runtime import Runtime, job_context
from models.ops_tables import OperatorAction
from models.retention import RetentionPolicy, purge
from models.tables import Alert, Declaration, Message, Patient
from models.web_tables import StaffAction
from scheduler.runner import run_named
from tests.integration.test_cli import SHIPPED, SHIPPED_DB
from tests.support.fakes import Clock
from tests.support.phone import Phone

CLOSED, ACTIVE = "+84987654321", "+84987000002"


def patient_code(runtime: Runtime, phone: str) -> str:
    with Session(runtime.db) as session:
        return str(session.scalars(select(col(Patient.code)).where(col(Patient.phone) == phone)).one())


def two_patients_one_discharged(runtime: Runtime, phone: Callable[[str], Phone], clock: Clock) -> None:
    doctor = phone("+84912000001")
    doctor.send("DK 0987654321 Nguyen Van An, 1980, Tran Phu")
    doctor.send("DK 0987000002 Tran Thi Binh, 1975, Tran Phu")
    phone(CLOSED).send("94 24 86 37.5 0 0")  # a red declaration and an alert
    phone(ACTIVE).send("98 18 86 37.5 0 0")
    doctor.send(f"OK {patient_code(runtime, CLOSED)}")
    clock.advance(days=1)
    doctor.send(f"XONG {patient_code(runtime, CLOSED)}")


def count(runtime: Runtime, model: type, phone: str | None = None) -> int:
    table = model.__table__  # type: ignore[attr-defined]
    query = select(func.count()).select_from(table)
    if phone is not None:
        patients = Patient.__table__  # type: ignore[attr-defined]
        query = query.join(patients, patients.c.id == table.c.patient_id).where(patients.c.phone == phone)
    with Session(runtime.db) as session:
        return int(session.execute(query).scalar() or 0)


def test_a_patient_closed_longer_ago_than_the_policy_is_exported_then_deleted(
    runtime: Runtime, phone: Callable[[str], Phone], clock: Clock, tmp_path: Path
) -> None:
    two_patients_one_discharged(runtime, phone, clock)
    policy = RetentionPolicy(days_after_close=90, export_dir=tmp_path / "exports", batch_size=1)
    kept = {model: count(runtime, model, ACTIVE) for model in (Message, Declaration, Alert)}
    before = {model: count(runtime, model, CLOSED) for model in (Message, Declaration, Alert, StaffAction)}
    assert before[Declaration] == 1
    assert before[Alert] == 1
    assert before[Message] >= 4
    assert purge(runtime.db, policy, clock() + timedelta(days=89)).counts["patient"] == 0  # not yet

    dry = purge(runtime.db, policy, clock() + timedelta(days=91), dry_run=True)
    expected = {"patient": 1, "message": before[Message], "declaration": 1, "alert": 1}
    assert dry.counts == {**expected, "staff_action": before[StaffAction]}  # the audit of OK and XONG goes too
    assert before[StaffAction] >= 1
    assert dry.export is None
    assert count(runtime, Patient) == 2

    seen: list[tuple[int, int]] = []
    report = purge(runtime.db, policy, clock() + timedelta(days=91), by="ops-anh", progress=lambda *p: seen.append(p))
    assert report.counts == dry.counts
    assert seen == [(1, 1)]
    assert count(runtime, Patient) == 1
    assert {m: count(runtime, m, ACTIVE) for m in kept} == kept
    with Session(runtime.db) as session:
        assert (
            session.scalars(
                select(Message).where(col(Message.patient_id).is_(None), col(Message.phone) == CLOSED)
            ).all()
            == []
        )
        [action] = session.scalars(select(OperatorAction)).all()
    assert (action.action, action.by) == ("purge", "ops-anh")
    assert action.details["patient"] == 1
    assert action.details["message"] == before[Message]

    assert report.export is not None
    assert report.export.stat().st_mode & 0o077 == 0
    lines = [json.loads(line) for line in report.export.read_text(encoding="utf-8").splitlines()]
    assert sum(line["table"] == "message" for line in lines) == before[Message]
    [exported] = [line["row"] for line in lines if line["table"] == "patient"]
    assert exported["phone"] == CLOSED
    assert exported["status"] == "discharged"
    assert purge(runtime.db, policy, clock() + timedelta(days=91)).counts["patient"] == 0


def test_purge_dry_run_on_the_command_line_counts_and_deletes_nothing(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(SHIPPED.replace(SHIPPED_DB, f'url: "sqlite:///{tmp_path / "f0care.db"}"'), encoding="utf-8")
    result = CliRunner().invoke(
        main, ["--config", str(config), "purge", "--dry-run", "--by", "ops"], env={"DATABASE_URL": None}
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].split() == ["TABLE", "WOULD_DELETE"]
    assert "would delete the records of 0 patients closed before" in result.output
    assert not (tmp_path / "exports").exists()


def test_the_daily_retention_job_purges_when_retention_is_enabled_and_not_otherwise(
    runtime: Runtime, phone: Callable[[str], Phone], clock: Clock, tmp_path: Path
) -> None:
    two_patients_one_discharged(runtime, phone, clock)
    later = clock() + timedelta(days=91)
    disabled = job_context(runtime)  # the shipped config: retention.enabled is false
    assert disabled.retention is None
    run_named(disabled, "retention", later)
    assert count(runtime, Declaration, CLOSED) == 1
    enabled = replace(disabled, retention=RetentionPolicy(days_after_close=90, export_dir=tmp_path / "exports"))
    run_named(enabled, "retention", later)
    assert count(runtime, Declaration, CLOSED) == 0
    assert count(runtime, Declaration, ACTIVE) == 1
    assert list((tmp_path / "exports").iterdir())
