"""The scheduled jobs, run with `now` as an argument: who gets what, once."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from f0care.runtime import Runtime, job_context
from models.tables import Alert, Message, Patient, ScheduledSend
from scheduler.context import JobContext
from scheduler.runner import run_named
from tests.support.fakes import RecordingSender
from tests.support.phone import Phone

DOCTOR, NURSE, SUPERVISOR = "+84912000001", "+84912000002", "+84912000003"
ONCALL = "+84912000099"
DAY = datetime(2026, 11, 25, tzinfo=UTC)  # local times below are Asia/Ho_Chi_Minh (UTC+7)


def local(day: int, hhmm: str) -> datetime:
    hours, minutes = map(int, hhmm.split(":"))
    return datetime(2026, 11, day, hours, minutes, tzinfo=UTC) - timedelta(hours=7)


@pytest.fixture
def jobs(runtime: Runtime) -> JobContext:
    return job_context(runtime)


def enrol(phone: Callable[[str], Phone], number: str, name: str, birth: str = "1980") -> str:
    reply = phone(DOCTOR).send(f"DK {number} {name}, {birth}, Tran Phu")
    found = re.search(r"Da dang ky ([A-Z0-9]{5})", reply)
    assert found, reply
    return found.group(1)


def prompts_to(sender: RecordingSender, number: str) -> list[str]:
    return [t for t in sender.sent.get(number, []) if "98 18 86 37.5 0 0" in t and "Ma BN" not in t]


def test_every_active_patient_gets_one_morning_prompt_even_when_the_job_runs_twice(
    phone: Callable[[str], Phone], jobs: JobContext, sender: RecordingSender
) -> None:
    enrol(phone, "0987000001", "Nguyen Van An")
    enrol(phone, "0987000002", "Tran Thi Binh")
    first = run_named(jobs, "morning-prompts", local(26, "07:00"))
    second = run_named(jobs, "morning-prompts", local(26, "07:00"))
    assert (first.queued, second.queued) == (2, 0)
    for number in ("+84987000001", "+84987000002"):
        (prompt,) = prompts_to(sender, number)
        assert len(prompt) <= 160
        assert "26/11" in prompt


def test_an_opted_out_phone_gets_no_prompt_and_start_brings_it_back(
    phone: Callable[[str], Phone], jobs: JobContext, sender: RecordingSender
) -> None:
    enrol(phone, "0987000001", "Nguyen Van An")
    phone("+84987000001").send("STOP")
    run_named(jobs, "morning-prompts", local(26, "07:00"))
    assert prompts_to(sender, "+84987000001") == []
    phone("+84987000001").send("START")
    run_named(jobs, "morning-prompts", local(27, "07:00"))
    assert len(prompts_to(sender, "+84987000001")) == 1


def test_a_household_of_three_on_one_phone_gets_one_message_naming_each_code(
    phone: Callable[[str], Phone], jobs: JobContext, sender: RecordingSender
) -> None:
    codes = [enrol(phone, "0987000003", name) for name in ("Le Van Cuong", "Le Thi Dao", "Le Van Em")]
    run_named(jobs, "morning-prompts", local(26, "07:00"))
    (message,) = [t for t in sender.sent["+84987000003"] if "26/11" in t]
    assert all(code in message for code in codes)
    assert len(message) <= 306


def test_no_scheduled_message_is_sent_in_quiet_hours(
    phone: Callable[[str], Phone], jobs: JobContext, sender: RecordingSender
) -> None:
    enrol(phone, "0987000001", "Nguyen Van An")
    report = run_named(jobs, "morning-prompts", local(26, "22:30"))
    assert report.skipped == "quiet hours"
    assert prompts_to(sender, "+84987000001") == []


def test_the_reminder_goes_only_to_patients_without_todays_declaration(
    phone: Callable[[str], Phone], jobs: JobContext, sender: RecordingSender, runtime: Runtime
) -> None:
    enrol(phone, "0987000001", "Nguyen Van An")
    enrol(phone, "0987000002", "Tran Thi Binh")
    runtime.clock.now = local(26, "08:00")  # type: ignore[attr-defined]
    phone("+84987000001").send("98 18 86 37 0 0")
    run_named(jobs, "reminder", local(26, "09:00"))
    assert not any("Chua nhan khai bao" in t for t in sender.sent["+84987000001"])
    assert any("Chua nhan khai bao" in t for t in sender.sent["+84987000002"])


def test_the_deadline_digest_tells_staff_who_has_not_declared_in_at_most_two_segments_each(
    phone: Callable[[str], Phone], jobs: JobContext, sender: RecordingSender, runtime: Runtime
) -> None:
    for i in range(40):
        enrol(phone, f"09870001{i:02d}", f"Pham Van Nam {chr(65 + i % 26)}")
    runtime.clock.now = local(26, "08:00")  # type: ignore[attr-defined]
    phone("+84987000100").send("98 18 86 37 0 0")
    run_named(jobs, "deadline", local(26, "10:00"))
    digest = [t for t in sender.sent[DOCTOR] if "26/11" in t and "da khai bao" in t]
    assert digest
    assert "da khai bao 1/40" in digest[0]
    parts = [t for t in sender.sent[DOCTOR] if "26/11" in t or "Chua KB" in t or "f0care report" in t]
    assert 1 <= len(parts) <= 3
    assert all(len(p) <= 306 for p in parts)
    assert "f0care report" in parts[-1]


def test_two_silent_days_raise_one_red_not_reporting_alert(
    phone: Callable[[str], Phone], jobs: JobContext, sender: RecordingSender, runtime: Runtime
) -> None:
    enrol(phone, "0987000001", "Nguyen Van An")  # enrolled on the 25th at 08:00 local
    run_named(jobs, "deadline", local(26, "10:00"))  # silent yesterday? enrolled after the prompt: no alert
    run_named(jobs, "deadline", local(27, "10:00"))
    run_named(jobs, "deadline", local(27, "10:00"))
    with Session(runtime.db) as s:
        alerts = s.exec(select(Alert).where(Alert.kind == "not_reporting")).all()
    assert len(alerts) == 1
    assert sum("CANH BAO DO" in t and "khong khai bao 2 ngay" in t for t in sender.sent[NURSE]) == 1


def test_an_unacknowledged_red_alert_climbs_to_the_clinic_then_to_on_call_once_each(
    phone: Callable[[str], Phone], jobs: JobContext, sender: RecordingSender, runtime: Runtime
) -> None:
    code = enrol(phone, "0987000001", "Nguyen Van An")
    runtime.clock.now = local(26, "08:00")  # type: ignore[attr-defined]
    phone("+84987000001").send("93 18 86 37 0 0")
    run_named(jobs, "ack-watch", local(26, "08:20"))
    assert not any("NHAC LAI" in t for t in sender.sent[SUPERVISOR])
    for _ in range(2):
        run_named(jobs, "ack-watch", local(26, "08:31"))
    assert sum("NHAC LAI" in t for t in sender.sent[SUPERVISOR]) == 1
    assert ONCALL not in sender.sent
    for _ in range(2):
        run_named(jobs, "ack-watch", local(26, "09:02"))
    assert sum(f"OK {code}" in t for t in sender.sent[ONCALL]) == 1
    phone(DOCTOR).send(f"OK {code}")
    run_named(jobs, "ack-watch", local(26, "10:00"))
    assert sum(f"OK {code}" in t for t in sender.sent[ONCALL]) == 1


def test_acknowledging_stops_the_ladder_before_it_starts(
    phone: Callable[[str], Phone], jobs: JobContext, sender: RecordingSender, runtime: Runtime
) -> None:
    code = enrol(phone, "0987000001", "Nguyen Van An")
    phone("+84987000001").send("CUU")
    phone(NURSE).send(f"OK {code}")
    run_named(jobs, "ack-watch", local(25, "12:00"))
    assert not any("NHAC LAI" in t for t in sender.sent[DOCTOR])


def test_a_registration_waiting_too_long_is_sent_again_then_to_the_supervisor(
    phone: Callable[[str], Phone], jobs: JobContext, sender: RecordingSender, runtime: Runtime
) -> None:
    with Session(runtime.db) as s:
        s.add(
            Patient(
                code="PQRST",
                full_name="Do Van Giang",
                birth_year=1970,
                area="Tran Phu",
                clinic_id="tyt-tran-phu",
                phone="+84987000009",
                registered_by="+84987000009",
                positive_test_date=DAY.date(),
                created_at=local(25, "08:00"),
            )
        )
        s.commit()
    run_named(jobs, "pending-watch", local(25, "19:15"))
    assert not any("NHAC: DK PQRST" in t for t in sender.sent[DOCTOR])
    run_named(jobs, "pending-watch", local(25, "20:15"))
    run_named(jobs, "pending-watch", local(25, "20:15"))
    assert sum("NHAC: DK PQRST" in t for t in sender.sent[DOCTOR]) == 1
    assert sum("NHAC: DK PQRST" in t for t in sender.sent[SUPERVISOR]) == 1
    run_named(jobs, "pending-watch", local(26, "08:15"))
    assert sum("NHAC: DK PQRST" in t for t in sender.sent[SUPERVISOR]) == 2
    assert sum("NHAC: DK PQRST" in t for t in sender.sent[DOCTOR]) == 1


def test_day_seven_asks_for_a_rapid_test_and_a_negative_result_then_xong_ends_monitoring(
    phone: Callable[[str], Phone], jobs: JobContext, sender: RecordingSender, runtime: Runtime
) -> None:
    code = enrol(phone, "0987000001", "Nguyen Van An")
    run_named(jobs, "end-of-monitoring", datetime(2026, 12, 1, 1, 0, tzinfo=UTC))  # day 6: nothing
    assert not any("test nhanh" in t for t in sender.sent["+84987000001"])
    run_named(jobs, "end-of-monitoring", datetime(2026, 12, 2, 1, 0, tzinfo=UTC))  # day 7, 08:00 local
    assert any("test nhanh" in t and "AM" in t for t in sender.sent["+84987000001"])
    runtime.clock.now = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)  # type: ignore[attr-defined]
    assert "AM TINH" in phone("+84987000001").send("âm")
    assert any(f"XONG {code}" in t for t in sender.sent[DOCTOR])
    phone(DOCTOR).send(f"XONG {code}")
    assert "ket thuc theo doi" in sender.sent["+84987000001"][-1]
    report = run_named(jobs, "morning-prompts", datetime(2026, 12, 3, 0, 0, tzinfo=UTC))
    assert report.queued == 0
    with Session(runtime.db) as s:
        assert s.exec(select(Patient)).one().status == "discharged"


def test_no_answer_to_the_rapid_test_keeps_monitoring_to_day_ten(
    phone: Callable[[str], Phone], jobs: JobContext, sender: RecordingSender, runtime: Runtime
) -> None:
    enrol(phone, "0987000001", "Nguyen Van An")
    run_named(jobs, "end-of-monitoring", datetime(2026, 12, 2, 1, 0, tzinfo=UTC))  # asked on day 7
    run_named(jobs, "end-of-monitoring", datetime(2026, 12, 3, 1, 0, tzinfo=UTC))  # no answer
    with Session(runtime.db) as s:
        patient = s.exec(select(Patient)).one()
    assert patient.monitor_until == datetime(2026, 12, 5).date()
    assert patient.status == "active"
    run_named(jobs, "end-of-monitoring", datetime(2026, 12, 5, 1, 0, tzinfo=UTC))
    asks = [t for t in sender.sent["+84987000001"] if "test nhanh" in t]
    assert len(asks) == 2
    assert "ngay 10" in asks[-1]


def test_every_scheduled_message_is_stored_with_its_key(
    phone: Callable[[str], Phone], jobs: JobContext, runtime: Runtime
) -> None:
    enrol(phone, "0987000001", "Nguyen Van An")
    run_named(jobs, "morning-prompts", local(26, "07:00"))
    with Session(runtime.db) as s:
        row = s.exec(select(Message).where(Message.kind == "prompt")).one()
        patient = s.exec(select(Patient)).one()
        sent = s.get(ScheduledSend, f"prompt:2026-11-26:07:00:{patient.id}")
    assert sent is not None
    assert sent.message_id == row.id
    assert row.status == "sent"
    assert row.priority == 1


def test_a_patient_added_to_a_household_after_the_prompt_gets_it_on_a_re_run_and_nobody_twice(
    phone: Callable[[str], Phone], jobs: JobContext, sender: RecordingSender
) -> None:
    first = enrol(phone, "0987000003", "Le Van Cuong")
    run_named(jobs, "morning-prompts", local(26, "07:00"))
    second = enrol(phone, "0987000003", "Le Thi Dao")
    run_named(jobs, "morning-prompts", local(26, "07:00"))
    prompts = [t for t in sender.sent["+84987000003"] if "26/11" in t]
    assert len(prompts) == 2
    assert first not in prompts[1]
    assert second in prompts[1] or "Hom nay" in prompts[1]


def test_xong_waits_for_ok_so_an_open_alert_keeps_climbing_and_a_discharged_patient_stops(
    phone: Callable[[str], Phone], jobs: JobContext, sender: RecordingSender, runtime: Runtime
) -> None:
    # Issue 11 point 7: XONG used to discharge (and silence) a patient whose CUU nobody had taken.
    code = enrol(phone, "0987000001", "Nguyen Van An")
    phone("+84987000001").send("CUU")
    assert f"Gui OK {code} truoc" in phone(DOCTOR).send(f"XONG {code}")
    assert run_named(jobs, "ack-watch", local(25, "12:00")).queued > 0  # still open: it climbs
    phone(DOCTOR).send(f"OK {code}")
    assert "Da ket thuc" in phone(DOCTOR).send(f"XONG {code}")
    oncall_before = list(sender.sent.get(ONCALL, []))
    assert run_named(jobs, "ack-watch", local(25, "13:00")).queued == 0
    assert sender.sent.get(ONCALL, []) == oncall_before
    with Session(runtime.db) as s:
        assert all(a.acknowledged_at is not None for a in s.exec(select(Alert)))
        assert s.exec(select(Patient)).one().status == "discharged"
