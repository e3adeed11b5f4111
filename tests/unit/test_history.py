"""`LS` tells the truth: a day's complete declaration wins, partial days say so, monitoring has a start."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from dialogs.state import DaySummary
from models.repositories.declarations import latest_per_day
from models.tables import Declaration
from tests.unit.conftest import CODE, NOW, TODAY, Thread, day, patient

FULL: dict[str, float | str | None] = {
    "spo2": 98.0,
    "breaths": 18.0,
    "pulse": 86.0,
    "temperature": 37.0,
    "breathless": 0.0,
    "signs": "0",
}
WORST: dict[str, float | str | None] = {
    "spo2": 100.0,
    "breaths": 80.0,
    "pulse": 220.0,
    "temperature": 42.9,
    "breathless": 1.0,
    "signs": "1234",
}


@pytest.fixture
def an(thread: Callable[..., Thread]) -> Thread:
    return thread(patient())


def row(minutes: int, answers: dict[str, float | str | None], complete: bool, level: str = "green") -> Declaration:
    started = datetime(2026, 11, 25, 1, 0) + timedelta(minutes=minutes)
    return Declaration(
        patient_id=1,
        local_date=TODAY,
        started_at=started,
        updated_at=started,
        answers=answers,
        complete=complete,
        level=level,
    )


def shown(*rows: Declaration) -> DaySummary:
    (summary,) = latest_per_day((CODE, r) for r in rows)[CODE]
    return summary


def test_a_partial_answer_after_a_complete_declaration_does_not_hide_it() -> None:
    summary = shown(row(0, FULL, True), row(30, {"spo2": 97.0}, False))
    assert summary.answers == FULL
    assert summary.complete


def test_the_latest_complete_declaration_of_a_day_is_shown() -> None:
    later = {**FULL, "spo2": 95.0}
    summary = shown(row(0, FULL, True), row(30, {"spo2": 97.0}, False), row(60, later, True, "red"))
    assert summary.answers == later
    assert summary.level == "red"


def test_a_day_with_only_partial_declarations_shows_the_latest_marked_partial() -> None:
    summary = shown(row(0, {"spo2": 97.0}, False), row(30, {"spo2": 96.0, "breaths": 18.0}, False))
    assert summary.answers == {"spo2": 96.0, "breaths": 18.0}
    assert not summary.complete


def test_ls_marks_a_partial_day_as_such(an: Thread) -> None:
    history = {CODE: (replace(day(0, {"spo2": 97.0}, "green"), complete=False), day(1, FULL, "green"))}
    reply = an.send("LS", history=history)
    assert "25/11 97 ? ? ? ? ? xanh (chua du)" in reply
    assert "24/11 98 18 86 37 0 0 xanh;" in reply


def test_ls_in_english_marks_a_partial_day_too(an: Thread) -> None:
    an.language = "en"
    history = {CODE: (replace(day(0, {"spo2": 97.0}, "green"), complete=False),)}
    assert "25/11 97 ? ? ? ? ? green (partial)" in an.send("LS", history=history)


def test_days_before_monitoring_began_are_not_missed_days(thread: Callable[..., Thread]) -> None:
    accepted = patient(decided_at=NOW - timedelta(days=2))  # 23/11
    reply = thread(accepted).send("LS", history={CODE: (day(0, FULL, "green"),)})
    assert "24/11 -" in reply
    assert "23/11 -" in reply
    assert "22/11" not in reply
    assert "19/11" not in reply


def test_a_declaration_before_acceptance_is_still_shown(thread: Callable[..., Thread]) -> None:
    accepted = patient(decided_at=NOW)
    reply = thread(accepted).send("LS", history={CODE: (day(2, FULL, "green"),)})
    assert "23/11 98 18 86 37 0 0 xanh" in reply
    assert "24/11" not in reply


def test_seven_partial_days_at_their_widest_still_fit_in_two_sms(an: Thread) -> None:
    five = {key: value for key, value in WORST.items() if key != "signs"}  # six answers would be complete
    history = {CODE: tuple(replace(day(back, five, "yellow"), complete=False) for back in range(7))}
    reply = an.send("LS", history=history)
    assert reply.count("(chua du)") == 7
    assert len(reply) <= 306
