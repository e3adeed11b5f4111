"""Benchmark 6's report block: a row per database, the target's verdict from the import's wall time."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench import report


def run(db: str, import_s: float) -> dict[str, Any]:
    phases = {"read_s": 0.5, "check_s": 0.6, "transaction_s": 1.2, "service_s": 2.4}
    sizes = {"csv_kb": 348, "xlsx_kb": 197, "dry_run_s": 2.0, "import_s": import_s}
    return {"db": db, "rows": 5000, "cohort": 20000, **sizes, **phases, "met": import_s < 30}


def test_the_import_block_shows_each_database_with_its_verdict(tmp_path: Path) -> None:
    meta = {"date": "2026-12-03T14:00+00:00", "minutes": 1.0, "busy_before": 0.9, "busy": True, "smoke": False}
    machine = {"cores": 2, "memory_gb": 8, "cpu": "x", "python": "3.11", "sqlite": "3.40"}
    data = {"runs": [run("sqlite", 3.1), run("postgres", 31.0)], "meta": {**meta, "machine": machine, "command": "c"}}
    doc = tmp_path / "benchmarks.md"
    report.write(doc, "import", data, tmp_path / "plot.png")
    text = doc.read_text(encoding="utf-8")
    assert "### 8. Patient file import (issue 13)" in text
    assert "**busy machine**" in text
    assert "| sqlite | 5,000 | 20,000 | 348 | 2.00 | 3.10 |" in text
    assert text.count("**met**") == 1
    assert text.count("**missed**") == 1
