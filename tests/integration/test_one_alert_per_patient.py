"""Issue 16 point 3 and issue 11 point 1, through the signed webhook: one open alert per patient."""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import Session, select

from f0care.runtime import Runtime, job_context
from models.tables import Alert, Declaration, Patient
from scheduler.runner import run_named
from tests.integration.journeys import DOCTOR, PATIENT, TRAN_PHU_STAFF, accept, register, rows
from tests.support.fakes import Clock
from tests.support.phone import Phone

Phones = Callable[[str], Phone]
NAMES = ("Nguyen Van An", "Tran Thi Binh", "Le Van Cuong", "Pham Thi Dung", "Hoang Van Em")


def staff_sms(phone: Phones) -> dict[str, int]:
    return {number: len(phone(number).inbox) for number in TRAN_PHU_STAFF}


def test_cuu_ten_times_from_a_phone_with_five_pending_registrations_gives_each_staff_member_at_most_2_sms(
    phone: Phones, runtime: Runtime, clock: Clock
) -> None:
    patient = phone(PATIENT)
    codes = []
    for name in NAMES:
        codes.append(register(patient, name=name))
        clock.advance(minutes=5)  # under the inbound limit: the alert rule alone is measured
    before = staff_sms(phone)
    for _ in range(10):
        assert "115" in patient.send("CUU")
        clock.advance(minutes=1.5)
    after = staff_sms(phone)
    sent = {number: after[number] - before[number] for number in TRAN_PHU_STAFF}
    assert all(1 <= count <= 2 for count in sent.values()), sent
    first = phone(DOCTOR).inbox[before[DOCTOR]]
    assert all(f"{code} " in first for code in codes[:4])
    assert "+1" in first
    assert "cho duyet" in first
    assert len(rows(runtime.db, Alert)) == 5  # one open alert per patient


def test_a_red_answer_from_a_pending_registration_alerts_the_clinic_at_once_and_says_it_is_not_accepted(
    phone: Phones, runtime: Runtime
) -> None:
    patient, doctor = phone(PATIENT), phone(DOCTOR)
    code = register(patient)
    reply = patient.send("93 18 86 37 0 0")
    assert "115" in reply
    assert "SpO2 thap (93%)" in reply  # the trigger named (issue 11 point 8)
    alert = doctor.last_sms()
    assert "CHUA DUYET" in alert
    assert f"OK {code}" in alert
    assert f"DUYET {code}" in alert
    (declaration,) = rows(runtime.db, Declaration)
    assert declaration.complete
    assert declaration.level == "red"
    accept(doctor, code)  # DUYET still works after the alert
    assert "Da nhan 1 canh bao" in doctor.send(f"OK {code}")


def test_an_emergency_phrase_from_a_pending_registration_alerts_the_clinic(phone: Phones, runtime: Runtime) -> None:
    patient, doctor = phone(PATIENT), phone(DOCTOR)
    code = register(patient)
    assert "115" in patient.send("kho tho qua")
    assert "CHUA DUYET" in doctor.last_sms()
    assert code in doctor.last_sms()
    assert len(rows(runtime.db, Alert)) == 1


def test_red_signs_while_an_alert_is_open_join_it_and_staff_get_one_follow_up_per_repeat_time(
    phone: Phones, runtime: Runtime, clock: Clock
) -> None:
    patient, doctor = phone(PATIENT), phone(DOCTOR)
    code = register(patient)
    accept(doctor, code)
    patient.send("93 18 86 37 0 0")
    paged = len(doctor.inbox)
    clock.advance(minutes=2)
    assert "115" in patient.send("CUU")
    assert "115" in patient.send("91 18 86 37 0 0")
    assert len(doctor.inbox) == paged  # within alerts.repeat_minutes: added, nobody paged again
    clock.advance(minutes=9)
    patient.send("CUU")
    assert len(doctor.inbox) == paged + 1
    update = doctor.last_sms()
    assert update.startswith(f"THEM vao canh bao do {code}")
    assert "cap cuu" in update
    assert "SpO2 91" in update
    (alert,) = rows(runtime.db, Alert)
    assert "SpO2 93" in alert.reason
    assert "SpO2 91" in alert.reason
    assert "cấp cứu" in alert.reason
    assert "Da nhan 1 canh bao" in doctor.send(f"OK {code}")
    patient.send("CUU")  # acknowledged: a new alert, paged at once
    assert len(rows(runtime.db, Alert)) == 2
    assert "CANH BAO DO" in doctor.last_sms()


def test_a_pending_patients_declaration_goes_with_the_reminder_to_accept(
    phone: Phones, runtime: Runtime, clock: Clock
) -> None:
    patient, doctor = phone(PATIENT), phone(DOCTOR)
    code = register(patient)
    patient.send("97 18 86 37 0 0")
    clock.advance(hours=12, minutes=30)  # 20:30 local: before the quiet hours
    run_named(job_context(runtime), "pending-watch", clock.now)
    reminder = doctor.last_sms()
    assert f"DUYET {code}" in reminder
    assert "Da khai: 97 18 86 37 0 0" in reminder


def test_a_second_am_is_recorded_once_and_staff_are_told_once(phone: Phones, runtime: Runtime) -> None:
    patient, doctor = phone(PATIENT), phone(DOCTOR)
    code = register(patient)
    accept(doctor, code)
    with Session(runtime.db) as session:
        row = session.exec(select(Patient)).one()
        row.test_asked_on = row.positive_test_date
        session.add(row)
        session.commit()
    assert "AM TINH" in patient.send("AM")
    told = len(doctor.inbox)
    assert "truoc do" in patient.send("AM")
    assert len(doctor.inbox) == told
