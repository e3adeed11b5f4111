"""End to end: `f0care jobs run morning-prompts` killed (SIGKILL) in the middle of a fan-out to
3,000 patients, then run again: each patient has exactly one prompt, and none is left behind.

The database is a SQLite file shared by the two processes, read here with the plain sqlite3
module (the test's view is the stored rows, as an operator would query them).
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlmodel import Session

from models.db import create_schema, make_engine
from models.tables import Patient

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
PATIENTS = 3_000
AT = "2026-11-26T07:00"  # 07:00 local, the morning prompt
KILL_WITHIN = 30.0  # seconds for the first run to commit its first batch
RERUN_WITHIN = 180.0  # generous: CI machines may be busy; normally ~10 s


def f0care(config: Path, *args: str) -> list[str]:
    script = Path(sys.executable).with_name("f0care")
    assert script.exists(), f"the f0care console script is not installed at {script}"
    return [str(script), "--config", str(config), *args]


def seed(url: str) -> None:
    """3,000 active patients of one clinic, each on their own phone, in one transaction."""
    engine = make_engine(url)
    create_schema(engine)
    since = datetime(2026, 11, 24, tzinfo=UTC)
    with Session(engine) as session:
        session.add_all(
            Patient(
                code=f"P{i:04d}",
                full_name=f"Nguyen Van An {i}",
                birth_year=1980,
                area="Tran Phu",
                clinic_id="tyt-tran-phu",
                phone=f"+84987{i:06d}",
                registered_by="+84912000001",
                positive_test_date=date(2026, 11, 24),
                status="active",
                created_at=since,
                decided_at=since,
            )
            for i in range(PATIENTS)
        )
        session.commit()
    engine.dispose()


def write_config(tmp_path: Path, db_path: Path) -> Path:
    data: dict[str, Any] = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    data["database"]["url"] = f"sqlite:///{db_path}"
    data["gateway"]["provider"] = "console"
    # The console gateway sends nothing; without this the fan-out is paced at the provider's 10/s.
    data["gateway"]["max_per_second"] = 1_000_000
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def prompt_statuses(db_path: Path) -> dict[str, int]:
    """{status: count} of the morning prompts stored so far ({} before the table exists)."""
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=5) as db:
        try:
            rows = db.execute(
                "SELECT status, count(*) FROM message WHERE kind = 'prompt' AND dedupe_key LIKE 'prompt:%' "
                "GROUP BY status"
            ).fetchall()
        except sqlite3.OperationalError:  # the schema is not there yet
            return {}
    return {status: count for status, count in rows}


def kill_mid_fanout(command: list[str], db_path: Path, log: Path) -> dict[str, int]:
    """Start the job and SIGKILL it as soon as its first batch of prompts is stored."""
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + KILL_WITHIN
        while time.monotonic() < deadline and process.poll() is None:
            if prompt_statuses(db_path):
                process.send_signal(signal.SIGKILL)
                break
            time.sleep(0.005)  # polling another process's progress, not waiting for time to pass
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)
    return prompt_statuses(db_path)


def test_a_fanout_killed_midway_and_run_again_gives_each_patient_exactly_one_prompt(tmp_path: Path) -> None:
    db_path = tmp_path / "f0care.db"
    seed(f"sqlite:///{db_path}")
    command = f0care(write_config(tmp_path, db_path), "jobs", "run", "morning-prompts", "--at", AT)

    killed = kill_mid_fanout(command, db_path, tmp_path / "first-run.log")
    stored = sum(killed.values())
    if not 0 < stored < PATIENTS:
        pytest.fail(f"the kill did not land mid fan-out: {killed} prompt rows of {PATIENTS} when killed")

    again = subprocess.run(command, capture_output=True, text=True, timeout=RERUN_WITHIN)
    assert again.returncode == 0, again.stdout + again.stderr
    assert f"{PATIENTS - stored} message(s) queued" in again.stdout

    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as db:
        per_patient = dict(
            db.execute("SELECT patient_id, count(*) FROM message WHERE kind = 'prompt' GROUP BY patient_id").fetchall()
        )
        keys = db.execute("SELECT count(DISTINCT dedupe_key), count(*) FROM message WHERE kind = 'prompt'").fetchone()
        patients = {row[0] for row in db.execute("SELECT id FROM patient")}
    assert set(per_patient) == patients
    assert set(per_patient.values()) == {1}
    assert keys == (PATIENTS, PATIENTS)
    left = prompt_statuses(db_path)
    assert left.get("queued", 0) == 0, (
        f"after the re-run, prompts by status: {left} (when killed: {killed}); the first run's queued "
        "prompts were never sent"
    )
