"""The patient page's charts: the red thresholds that apply at the patient's age, points placed and marked red."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from dialogs.program import Level, Question, QuestionKind, Rule
from f0care.web.charts import HEIGHT, charts, red_rules

BREATHS = Question(
    key="breaths",
    kind=QuestionKind.NUMBER,
    label={"vi": "Nhịp thở/phút", "en": "Breaths/min"},
    minimum=5,
    maximum=80,
    rules=(
        Rule(Level.RED, ">=", 20, min_age=12),
        Rule(Level.RED, ">=", 30, min_age=5, max_age=12),
        Rule(Level.YELLOW, ">=", 18),
    ),
)
SPO2 = Question("spo2", QuestionKind.NUMBER, {"vi": "SpO2 (%)", "en": "SpO2 (%)"}, rules=(Rule(Level.RED, "<=", 96),))
COUGH = Question("cough", QuestionKind.YESNO, {"vi": "Ho", "en": "Cough"}, rules=(Rule(Level.RED, "==", 1),))


def test_only_the_red_rules_of_the_patients_age_are_drawn() -> None:
    assert red_rules(BREATHS, 40) == [(">=", 20.0)]
    assert red_rules(BREATHS, 8) == [(">=", 30.0)]
    assert red_rules(BREATHS, 2) == []


def test_a_chart_per_number_question_with_red_points_below_the_line() -> None:
    readings: list[tuple[datetime, dict[str, Any]]] = [
        (datetime(2026, 11, 25, 8, 0), {"spo2": 98, "breaths": 16, "cough": 0}),
        (datetime(2026, 11, 26, 8, 0), {"spo2": 94, "breaths": 24, "cough": 1}),
        (datetime(2026, 11, 27, 8, 0), {"spo2": None, "breaths": 18}),
    ]
    drawn = charts([SPO2, BREATHS, COUGH], readings, date(2026, 11, 24), date(2026, 12, 1), 40, "vi")

    assert [c.key for c in drawn] == ["spo2", "breaths"]  # yes/no questions are not charted
    spo2, breaths = drawn
    assert [(p.value, p.red) for p in spo2.points] == [(98.0, False), (94.0, True)]
    assert [(p.value, p.red) for p in breaths.points] == [(16.0, False), (24.0, True), (18.0, False)]
    assert [t.value for t in spo2.thresholds] == [96.0]
    line = spo2.thresholds[0].y
    assert spo2.points[0].y < line < spo2.points[1].y < HEIGHT  # higher values are drawn higher
    assert spo2.points[0].x < spo2.points[1].x
    assert spo2.path.startswith("M")
    assert len(spo2.ticks) == 8  # a tick per day of the monitoring period
