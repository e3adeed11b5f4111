"""Server-side SVG charts of a patient's measurements over the monitoring period, red thresholds drawn.

`charts(...)` computes the geometry (pure: no Flask); `staff/chart.svg.html` draws it. The
thresholds are the configured questions' red rules that apply at the patient's age.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from dialogs.program import Level, Question, QuestionKind

WIDTH, HEIGHT = 360, 180
LEFT, RIGHT, TOP, BOTTOM = 40, 10, 12, 26
CHARTED = ("spo2", "breaths", "pulse", "temperature")  # the measurements the issue asks for, when configured


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    value: float
    label: str  # "25/11 14:05"
    red: bool


@dataclass(frozen=True)
class Threshold:
    y: float
    value: float
    op: str


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class Chart:
    key: str
    label: str
    unit: str
    points: tuple[Point, ...]
    thresholds: tuple[Threshold, ...]
    ticks: tuple[Tick, ...]  # days on the x axis
    y_ticks: tuple[Threshold, ...]  # the lowest and highest values of the y axis
    width: int = WIDTH
    height: int = HEIGHT

    @property
    def path(self) -> str:
        """The polyline of the points, as an SVG path (empty without two points)."""
        return " ".join(f"{'M' if i == 0 else 'L'}{p.x:.1f},{p.y:.1f}" for i, p in enumerate(self.points))


def red_rules(question: Question, age: float) -> list[tuple[str, float]]:
    """The (op, value) of the question's red rules that apply at `age`."""
    found = []
    for rule in question.rules:
        if rule.level is not Level.RED or rule.op is None or rule.value is None or rule.op == "==":
            continue
        if rule.min_age is not None and age < rule.min_age:
            continue
        if rule.max_age is not None and age >= rule.max_age:
            continue
        found.append((rule.op, float(rule.value)))
    return found


def charts(
    questions: Sequence[Question],
    readings: Sequence[tuple[datetime, dict[str, Any]]],
    first: date,
    last: date,
    age: float,
    language: str,
) -> list[Chart]:
    """One chart per charted number question: `readings` are (local datetime, answers), oldest first."""
    days = max(1, (last - first).days + 1)
    chosen = [q for q in questions if q.kind is QuestionKind.NUMBER and q.key in CHARTED]
    return [_chart(q, readings, first, days, age, language) for q in chosen]


def _chart(
    question: Question,
    readings: Sequence[tuple[datetime, dict[str, Any]]],
    first: date,
    days: int,
    age: float,
    lang: str,
) -> Chart:
    values = [(at, float(a[question.key])) for at, a in readings if isinstance(a.get(question.key), int | float)]
    rules = red_rules(question, age)
    marks = [v for _, v in values] + [v for _, v in rules] or [question.minimum or 0.0, question.maximum or 1.0]
    low, high = min(marks), max(marks)
    high = high if high > low else low + 1
    pad = (high - low) * 0.1
    low, high = low - pad, high + pad
    span_x, span_y = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x_of(at: datetime) -> float:
        offset: float = (at.date() - first).days + (at.hour * 60 + at.minute) / 1440
        return LEFT + span_x * min(max(offset / days, 0), 1)

    def y_of(value: float) -> float:
        return TOP + span_y * (1 - (value - low) / (high - low))

    points = tuple(Point(x_of(at), y_of(v), v, at.strftime("%d/%m %H:%M"), _is_red(v, rules)) for at, v in values)
    thresholds = tuple(Threshold(y_of(v), v, op) for op, v in rules)
    step = max(1, days // 7)
    ticks = tuple(
        Tick(LEFT + span_x * (d + 0.5) / days, (first + timedelta(days=d)).strftime("%d/%m"))
        for d in range(0, days, step)
    )
    y_ticks = (
        Threshold(y_of(low + pad), round(low + pad, 1), ""),
        Threshold(y_of(high - pad), round(high - pad, 1), ""),
    )
    return Chart(
        question.key, question.label.get(lang) or question.key, question.unit, points, thresholds, ticks, y_ticks
    )


def _is_red(value: float, rules: list[tuple[str, float]]) -> bool:
    checks = {">": value.__gt__, ">=": value.__ge__, "<": value.__lt__, "<=": value.__le__}
    return any(checks[op](limit) for op, limit in rules if op in checks)
