"""The deadline: the digest and the two-silent-days alert, decided without a database."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from dialogs.effects import RaiseAlert, SendSms
from dialogs.program import Level, Program
from dialogs.rules.digest import MAX_PARTS, MAX_SMS, pack, summarize
from dialogs.rules.effects import RaiseOnce, ScheduledSms
from dialogs.rules.rows import ClinicDay, ClinicPatient
from dialogs.rules.silent_days import deadline
from tests.unit.conftest import TRAN_PHU, TRAN_PHU_STAFF, patient
from tests.unit.rules_support import local, settings

DAY = date(2026, 11, 27)
YESTERDAY = DAY - timedelta(days=1)
AT_DEADLINE = local(27, "10:00")
ENROLLED = local(20, "08:00")


def row(n: int, created_at: datetime = ENROLLED, opted_out: bool = False, phone: str = "") -> ClinicPatient:
    view = patient(f"A{n}BCD", f"Nguyen Van {chr(64 + n % 26 or 90)}", phone or f"+8498700000{n}")
    return ClinicPatient(n, view, created_at, opted_out)


def clinic_day(program: Program, *patients: ClinicPatient, **more: object) -> ClinicDay:
    return ClinicDay(program.clinic(TRAN_PHU), DAY, patients, **more)  # type: ignore[arg-type]


def test_a_patient_silent_yesterday_and_today_raises_one_red_alert_keyed_by_the_last_declared_day(
    program: Program,
) -> None:
    rows = clinic_day(program, row(1), last_declared={1: date(2026, 11, 25)})
    effects = deadline(rows, AT_DEADLINE, settings(program))
    (raised,) = [e for e in effects if isinstance(e, RaiseOnce)]
    alert = raised.effects[0]
    assert isinstance(alert, RaiseAlert)
    assert alert.level is Level.RED
    assert alert.kind == "not_reporting"
    assert alert.key == "silent:1:2026-11-25"
    told = [e for e in raised.effects if isinstance(e, SendSms)]
    assert [e.to for e in told] == list(TRAN_PHU_STAFF)
    assert "khong khai bao 2 ngay" in told[0].text


def test_a_patient_who_never_declared_is_keyed_never(program: Program) -> None:
    effects = deadline(clinic_day(program, row(1)), AT_DEADLINE, settings(program))
    (raised,) = [e for e in effects if isinstance(e, RaiseOnce)]
    assert isinstance(raised.effects[0], RaiseAlert)
    assert raised.effects[0].key == "silent:1:never"


def test_a_patient_who_declared_yesterday_is_missing_today_but_not_silent(program: Program) -> None:
    rows = clinic_day(program, row(1), declared={(1, YESTERDAY): "green"})
    digest = summarize(rows, settings(program))
    assert digest.missing
    assert digest.silent_two_days == []


def test_a_patient_accepted_after_yesterdays_prompt_is_not_silent(program: Program) -> None:
    rows = clinic_day(program, row(1, created_at=local(26, "07:01")))
    assert summarize(rows, settings(program)).silent_two_days == []


def test_an_opted_out_patient_is_listed_but_not_chased(program: Program) -> None:
    digest = summarize(clinic_day(program, row(1, opted_out=True)), settings(program))
    assert digest.silent_two_days == []
    assert len(digest.opted_out) == 1


def test_the_digest_counts_reports_lists_yellow_open_red_and_undelivered(program: Program) -> None:
    rows = clinic_day(
        program,
        row(1),
        row(2),
        row(3),
        declared={(1, DAY): "yellow", (2, DAY): "green", (2, YESTERDAY): "green"},
        alerted=frozenset({3, 99}),  # 99: not an active patient of this clinic
        undelivered=frozenset({"+84987000003"}),
    )
    digest = summarize(rows, settings(program))
    assert (digest.reported, digest.total) == (2, 3)
    assert digest.yellow == ["A1BCD NVA 0987***001"]
    assert digest.red == digest.failed == digest.missing == ["A3BCD NVC 0987***003"]


def test_each_staff_member_gets_the_digest_with_a_key_per_day_clinic_phone_and_part(program: Program) -> None:
    rows = clinic_day(program, row(1), declared={(1, DAY): "green"})
    messages = [e for e in deadline(rows, AT_DEADLINE, settings(program)) if isinstance(e, ScheduledSms)]
    assert [m.to for m in messages] == list(TRAN_PHU_STAFF)
    assert all(m.key == f"digest:2026-11-27:{TRAN_PHU}:{m.to}:0" and m.kind == "digest" for m in messages)
    assert "27/11" in messages[0].text
    assert "da khai bao 1/1" in messages[0].text


def test_a_clinic_with_no_patient_and_no_open_alert_gets_no_digest(program: Program) -> None:
    assert deadline(clinic_day(program), AT_DEADLINE, settings(program)) == []


def test_a_long_digest_is_cut_at_three_parts_of_two_segments_pointing_to_the_report(program: Program) -> None:
    patients = [row(n, phone=f"+849870001{n:02d}") for n in range(1, 61)]
    rows = clinic_day(program, *patients, declared={(1, DAY): "green"})
    messages = [e for e in deadline(rows, AT_DEADLINE, settings(program)) if isinstance(e, ScheduledSms)]
    parts = [m.text for m in messages if m.to == TRAN_PHU_STAFF[0]]
    assert len(parts) == MAX_PARTS
    assert all(len(p) <= MAX_SMS for p in parts)
    assert "f0care report" in parts[-1]


def test_packing_fills_a_part_before_starting_the_next(program: Program) -> None:
    assert pack(["a" * 200, "b" * 100, "c" * 10], " ...+0 more") == ["a" * 200 + "b" * 100, "c" * 10]
