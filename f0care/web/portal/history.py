"""A patient's monitoring period as the history page shows it: a row a day and a small chart."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from dialogs.program import Question
from dialogs.state import DaySummary
from dialogs.triage import show
from f0care.runtime import Runtime
from f0care.web.portal.chart import line_chart, red_threshold
from models import portal_reads
from models.records import PatientRef

MAX_DAYS = 30  # a long period is shown from its last 30 days


@dataclass(frozen=True)
class Day:
    day: date
    summary: DaySummary | None  # None: no report that day

    def value(self, question: Question) -> str:
        if self.summary is None or question.key not in self.summary.answers:
            return ""
        return show(self.summary.answers[question.key])


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    days: tuple[Day, ...]  # newest first
    chart: str  # inline SVG (SpO2)


def bounds(patient: PatientRef, today: date, monitoring_days: int) -> tuple[date, date]:
    """From the positive test to the end of monitoring (expected, while not yet set), at most 30 days."""
    view = patient.view
    start = view.positive_test_date or (view.decided_at.date() if view.decided_at else today)
    end = view.monitor_until or max(start + timedelta(days=monitoring_days - 1), today)
    start = max(min(start, today), min(end, today) - timedelta(days=MAX_DAYS - 1))
    return start, end


def period_of(runtime: Runtime, patient: PatientRef, today: date, chart_title: str = "SpO2") -> Period:
    """The patient's days, each with its latest complete declaration (as `LS` shows a day)."""
    start, end = bounds(patient, today, runtime.program.monitoring_days)
    found = {s.day: s for s in portal_reads.days_of(runtime.db, patient, start)}
    period = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    days = tuple(Day(d, found.get(d)) for d in reversed(period) if d <= today)  # the table: up to today
    return Period(start, end, days, _chart(runtime, period[:MAX_DAYS], found, chart_title))


def _chart(runtime: Runtime, span: list[date], found: dict[date, DaySummary], title: str) -> str:
    spo2 = next((q for q in runtime.program.questions if q.key == "spo2"), None)
    if spo2 is None:
        return ""
    points: list[tuple[date, float | None]] = []
    for day in span:
        value = found[day].answers.get("spo2") if day in found else None
        points.append((day, float(value) if isinstance(value, int | float) else None))
    low = max(float(spo2.minimum or 80), 80.0)
    return line_chart(title, points, low, float(spo2.maximum or 100), red_threshold(spo2))
