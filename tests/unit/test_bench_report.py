"""The benchmark report: a run rewrites only its own block of docs/benchmarks.md, rows in a stable order."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench import report


def point(bench: str, db: str, patients: int) -> dict[str, Any]:
    return {"bench": bench, "db": db, "patients": patients, "msg_per_s": 1.0, "us_per_message": 1.0, "peak_mb": 1.0}


def test_scaling_rows_go_by_database_then_benchmark_then_patients() -> None:
    points = [
        point("fan-out (service)", "sqlite", 100_000),
        point("webhook (service)", "postgres", 1_000),
        point("fan-out (job alone, queueing)", "sqlite", 1_000_000),
        point("webhook (service)", "sqlite", 20_000),
        point("webhook (service)", "sqlite", 1_000),
        point("fan-out (plain loop)", "sqlite", 1_000),
        point("fan-out (service)", "sqlite", 1_000),
    ]
    order = [(p["db"], p["bench"], p["patients"]) for p in report.sorted_points(points)]
    assert order == [
        ("sqlite", "webhook (service)", 1_000),
        ("sqlite", "webhook (service)", 20_000),
        ("sqlite", "fan-out (service)", 1_000),
        ("sqlite", "fan-out (service)", 100_000),
        ("sqlite", "fan-out (plain loop)", 1_000),
        ("sqlite", "fan-out (job alone, queueing)", 1_000_000),
        ("postgres", "webhook (service)", 1_000),
    ]


def test_a_run_replaces_its_own_block_and_keeps_the_hand_written_text(tmp_path: Path) -> None:
    doc = tmp_path / "benchmarks.md"
    doc.write_text(
        "# Benchmarks\n\nintro by hand\n\n<!-- BEGIN bench:scaling -->\nold numbers\n<!-- END bench:scaling -->\n\n"
        "## Before and after\n\nprofile by hand\n",
        encoding="utf-8",
    )
    machine = {"cores": 2, "memory_gb": 4, "cpu": "cpu", "python": "3.11", "sqlite": "3.40", "postgres": None}
    meta = {"date": "2026-12-03", "minutes": 1, "busy": False, "busy_before": 0.01, "smoke": False}
    meta |= {"machine": machine, "command": "python -m bench.run --only scaling"}
    data = {"points": [point("webhook (service)", "sqlite", 1_000)], "notes": ["a note"], "plot": False, "meta": meta}
    report.write(doc, "scaling", data, tmp_path / "plot.png")
    text = doc.read_text(encoding="utf-8")
    assert "old numbers" not in text
    assert "| webhook (service) | sqlite | 1,000 |" in text
    assert "- a note" in text
    assert text.startswith("# Benchmarks\n\nintro by hand\n")
    assert text.endswith("## Before and after\n\nprofile by hand\n")
    assert text.count("<!-- BEGIN bench:scaling -->") == 1
    assert "`python -m bench.run --only scaling`" in text
