"""The end of monitoring, decided without a database."""

from __future__ import annotations

from datetime import UTC, date, datetime

from dialogs.program import Program
from dialogs.rules.effects import AskForTest, PostponeTest, SetMonitorUntil
from dialogs.rules.monitoring_end import end_of_monitoring
from dialogs.rules.rows import MonitoredPatient
from tests.unit.conftest import CODE, PATIENT_PHONE, TRAN_PHU_STAFF, patient
from tests.unit.rules_support import settings

POSITIVE = date(2026, 11, 25)


def at(day: date) -> datetime:
    """08:00 local on `day`."""
    return datetime(day.year, day.month, day.day, 1, 0, tzinfo=UTC)


def monitored(**more: object) -> MonitoredPatient:
    fields: dict[str, object] = {"positive_test_date": POSITIVE, "monitor_until": date(2026, 12, 2), **more}
    result = fields.pop("test_result", None)
    opted_out = bool(fields.pop("opted_out", False))
    return MonitoredPatient(42, patient(**fields), result, opted_out)  # type: ignore[arg-type]


def test_day_six_asks_nothing(program: Program) -> None:
    assert end_of_monitoring([monitored()], at(date(2026, 12, 1)), settings(program)) == []


def test_day_seven_asks_the_patient_for_a_rapid_test_once_per_day(program: Program) -> None:
    (ask,) = end_of_monitoring([monitored()], at(date(2026, 12, 2)), settings(program))
    assert isinstance(ask, AskForTest)
    assert ask.day == date(2026, 12, 2)
    (message,) = ask.messages
    assert message.to == PATIENT_PHONE
    assert message.key == "test:42:2026-12-02"
    assert message.kind == "prompt"
    assert f"{CODE}:" in message.text
    assert "test nhanh" in message.text
    assert "ngay 7" in message.text


def test_an_opted_out_phone_is_not_asked_for_the_test(program: Program) -> None:
    assert end_of_monitoring([monitored(opted_out=True)], at(date(2026, 12, 2)), settings(program)) == []


def test_a_patient_without_an_end_day_gets_one_from_the_positive_test_and_the_monitoring_days(
    program: Program,
) -> None:
    effects = end_of_monitoring([monitored(monitor_until=None)], at(date(2026, 11, 30)), settings(program))
    assert effects == [SetMonitorUntil(42, date(2026, 12, 2))]


def test_a_test_asked_yesterday_and_not_answered_is_asked_again_on_day_ten(program: Program) -> None:
    asked = monitored(test_asked_on=date(2026, 12, 2))
    (postpone,) = end_of_monitoring([asked], at(date(2026, 12, 3)), settings(program))
    assert postpone == PostponeTest(42, date(2026, 12, 2), date(2026, 12, 5))


def test_a_test_asked_today_is_left_alone(program: Program) -> None:
    asked = monitored(test_asked_on=date(2026, 12, 2))
    assert end_of_monitoring([asked], at(date(2026, 12, 2)), settings(program)) == []


def test_an_answered_test_is_not_postponed(program: Program) -> None:
    answered = monitored(test_asked_on=date(2026, 12, 2), test_result="negative")
    assert end_of_monitoring([answered], at(date(2026, 12, 4)), settings(program)) == []


def test_no_answer_on_the_final_day_tells_the_clinic_to_call_and_asks_again_in_three_days(program: Program) -> None:
    asked = monitored(test_asked_on=date(2026, 12, 5))
    (postpone,) = end_of_monitoring([asked], at(date(2026, 12, 6)), settings(program))
    assert isinstance(postpone, PostponeTest)
    assert postpone.until == date(2026, 12, 9)
    assert [m.to for m in postpone.messages] == list(TRAN_PHU_STAFF)
    assert all(m.key == f"still:42:2026-12-06:{m.to}" and "ngay 11" in m.text for m in postpone.messages)
