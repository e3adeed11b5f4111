"""Benchmark 6: a station's patient file of 5,000 rows, imported all or nothing (issue 13: under 30 s).

On a database that already holds a cohort (the duplicate check and the code draw face a real table):
`f0care import FILE --clinic ID --dry-run`, then the import, as the operator runs them (a process,
a CSV file, wall time from start to exit, Python's start-up included). Then the same number of rows
from an XLSX file through the service in-process, timed by phase: reading the file, checking the rows
(no database), and the one transaction (on SQLite the writer lock is held that long: inbound SMS wait).
"""

from __future__ import annotations

import csv
import io
import subprocess
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from sqlalchemy import text

from bench.service import BenchError, bench_config, fresh_database, seed, upgrade
from tests.support.processes import ROOT, script
from tests.support.service import service_env

TARGET_S = 30.0
WARDS = {"tyt-tran-phu": ("Trần Phú", "P. Trần Hưng Đạo", "Phạm Ngũ Lão", "phuong Nguyen Trai"),
         "tyt-quang-trung": ("Quang Trung", "Lê Thanh Nghị", "Hải Tân", "Cẩm Thượng")}  # fmt: skip
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi")
GIVEN = ("An", "Bình", "Chi", "Dũng", "Giang", "Hoa", "Khánh", "Lan", "Mai", "Nam", "Phương", "Sơn")
HEADER = ["STT", "Họ và tên", "Năm sinh", "Số điện thoại", "Phường/Xã", "Ngày xét nghiệm", "Yếu tố nguy cơ"]


def rows_for(clinic: str, count: int, first_phone: int, today: date) -> list[list[Any]]:
    """A station's list: Vietnamese names with diacritics, old and new phone forms, a few risk factors."""
    wards = WARDS[clinic]
    rows = []
    for i in range(count):
        number = first_phone + i
        phone = f"0977{number:06d}" if i % 10 else f"0167{number:07d}"  # one in ten an old 11-digit Viettel
        name = f"{FAMILY[i % len(FAMILY)]} Văn {GIVEN[(i // 8) % len(GIVEN)]} {chr(65 + i % 26)}"
        tested = f"{today.day:02d}/{today.month:02d}/{today.year}"
        rows.append([i + 1, name, 1940 + i % 80, phone, wards[i % len(wards)], tested, ("13", "", "2", "K")[i % 4]])
    return rows


def csv_bytes(rows: list[list[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def xlsx_bytes(rows: list[list[Any]]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("F0")
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def cli(config: Path, *args: str) -> tuple[float, str]:
    """Run `f0care --config CONFIG ARGS`; its wall time and output."""
    started = time.perf_counter()
    done = subprocess.run(
        [script("f0care"), "--config", str(config), *args],
        env=service_env(config),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        said = f"{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
        raise BenchError(f"f0care {' '.join(args)} exited {done.returncode}:\n{said}")
    return elapsed, done.stdout


def count(url: str, sql: str) -> int:
    from models.db import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text(sql)).scalar() or 0)
    finally:
        engine.dispose()


def phases(config: Path, data: bytes, clinic: str) -> dict[str, float]:
    """The XLSX file through the service in this process: read, check, the transaction."""
    from dialogs.bulk_register import check_rows
    from f0care.config import load_config
    from f0care.exchange.read import read_patient_file
    from f0care.runtime import build_runtime
    from f0care.service.patient_import import Registrar, import_patients

    runtime = build_runtime(load_config(config, environ=service_env(config)), outbox_mode="external")
    now = datetime.now(UTC)
    started = time.perf_counter()
    patients = read_patient_file(data)
    read_s = time.perf_counter() - started
    started = time.perf_counter()
    check_rows(patients.rows, clinic, runtime.program, now.date())
    check_s = time.perf_counter() - started
    held: list[float] = []
    units = _timed(runtime.unit_of_work, held)
    started = time.perf_counter()
    done = import_patients(units, runtime.program, patients.rows, clinic, Registrar("bench"), now)
    total_s = time.perf_counter() - started
    runtime.db.dispose()
    if len(done.codes) != len(patients.rows):
        raise BenchError(f"XLSX import registered {len(done.codes)} of {len(patients.rows)}: {done.plan.problems[:3]}")
    return {"read_s": read_s, "check_s": check_s, "transaction_s": sum(held), "service_s": total_s}


def _timed(make: Callable[[], Any], held: list[float]) -> Callable[[], Any]:
    """Units of work that add the time each spent between `with` and its end to `held`."""

    class Timed:
        def __init__(self) -> None:
            self.inner = make()

        def __getattr__(self, name: str) -> Any:
            return getattr(self.inner, name)

        def __enter__(self) -> Any:
            self.started = time.perf_counter()
            self.inner.__enter__()
            return self

        def __exit__(self, *exc: Any) -> None:
            self.inner.__exit__(*exc)
            held.append(time.perf_counter() - self.started)

    return Timed


def run(db: str, workdir: Path, log: Callable[[str], None], rows: int, cohort: int) -> dict[str, Any]:
    """One database: the CLI on a CSV file, then the service on an XLSX file."""
    today = datetime.now(UTC).date()
    with fresh_database(db, workdir, "import") as url:
        config = bench_config(workdir, url, "http://127.0.0.1:9", "http://127.0.0.1:9", name=f"import-{db}")
        upgrade(config)
        seed(url, cohort, today)
        file = workdir / f"patients-{db}.csv"
        file.write_bytes(csv_bytes(rows_for("tyt-tran-phu", rows, 0, today)))
        log(f"import: {db}, {rows} rows over a cohort of {cohort}")
        dry_s, _ = cli(config, "import", str(file), "--clinic", "tyt-tran-phu", "--dry-run")
        import_s, out = cli(config, "import", str(file), "--clinic", "tyt-tran-phu", "--by", "bench")
        registered = count(url, "SELECT count(*) FROM patient WHERE decided_by = 'bench'")
        welcomes = count(url, "SELECT count(*) FROM message WHERE kind = 'welcome' AND status = 'queued'")
        if registered != rows or welcomes != rows:
            raise BenchError(f"the import registered {registered} and queued {welcomes} of {rows}:\n{out[-1000:]}")
        xlsx = xlsx_bytes(rows_for("tyt-quang-trung", rows, rows, today))
        timed = phases(config, xlsx, "tyt-quang-trung")
    return {
        "db": db,
        "rows": rows,
        "cohort": cohort,
        "csv_kb": round(file.stat().st_size / 1024),
        "xlsx_kb": round(len(xlsx) / 1024),
        "dry_run_s": round(dry_s, 2),
        "import_s": round(import_s, 2),
        **{key: round(value, 2) for key, value in timed.items()},
        "met": import_s < TARGET_S,
    }
