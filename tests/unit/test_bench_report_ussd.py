"""The USSD benchmark's block: one row per database and pause, judged against p99 under 2 s."""

from __future__ import annotations

from typing import Any

from bench import report


def run(db: str, think: float, p99_ms: float, met: bool) -> dict[str, Any]:
    return {
        "db": db,
        "workers": 4,
        "sessions": 200,
        "think_s": think,
        "patients": 4000,
        "seconds": 30.0,
        "screens": 5140,
        "sessions_done": 740,
        "screens_per_s": 141.0,
        "p50_ms": 10.0,
        "p90_ms": 100.0,
        "p99_ms": p99_ms,
        "max_ms": 2500.0,
        "end_p99_ms": 1500.0,
        "errors": 0,
        "met": met,
        "stored": {"ussd_requests": 751, "declarations": 608, "alerts": 60},
    }


def test_each_database_and_pause_is_a_row_with_its_verdict_and_what_was_stored() -> None:
    lines = report.ussd({"runs": [run("sqlite", 0.0, 2321.2, False), run("postgres", 5.0, 186.9, True)]})
    rows = [line for line in lines if line.startswith(("| sqlite", "| postgres"))]
    assert rows[0].startswith("| sqlite | 4 | 200 | 0.0 | 4,000 | 5,140 | 141 | 10.0 | 100.0 | 2,321.2 |")
    assert rows[0].endswith("| **missed** |")
    assert rows[1].endswith("| **met** |")
    assert "- postgres, think 5.0 s: 740 sessions completed in 30 s; stored 751 USSD requests" in lines[-1]
