"""Staff safety through the signed webhook: OK before XONG/TIEP, who took an alert, nobody acts on themselves."""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import Session

from dialogs.effects import EndMonitoring
from f0care.runtime import Runtime
from models.apply import apply_effects
from models.tables import Alert, Patient
from tests.integration.journeys import DOCTOR, NURSE, PATIENT, accept, register, rows
from tests.support.fakes import Clock
from tests.support.phone import Phone

RED = "93 24 86 37 0 0"


def test_xong_and_tiep_wait_until_a_red_alert_is_acknowledged(
    phone: Callable[[str], Phone], runtime: Runtime, clock: Clock
) -> None:
    patient, doctor, nurse = phone(PATIENT), phone(DOCTOR), phone(NURSE)
    code = register(patient)
    accept(doctor, code)
    patient.send(RED)  # 08:00 in Hanoi
    clock.advance(minutes=5)

    for command in (f"XONG {code}", f"TIEP {code} 3"):
        refused = nurse.send(command)
        assert "canh bao do chua ai nhan" in refused
        assert "SpO2 93" in refused
        assert "08:00" in refused
        assert f"Gui OK {code} truoc" in refused
    (row,) = rows(runtime.db, Patient, Patient.code == code)
    assert row.status == "active"
    assert row.ended_at is None

    assert "Da nhan 1 canh bao" in doctor.send(f"OK {code}")  # 08:05
    clock.advance(minutes=10)
    second = nurse.send(f"OK {code}")
    assert "BS Lan" in second
    assert "08:05" in second
    assert "Da ket thuc" in nurse.send(f"XONG {code}")
    (row,) = rows(runtime.db, Patient, Patient.code == code)
    assert row.status == "discharged"


def test_a_staff_member_who_is_a_patient_is_handled_by_a_colleague(
    phone: Callable[[str], Phone], runtime: Runtime
) -> None:
    doctor, nurse = phone(DOCTOR), phone(NURSE)
    code = register(doctor, name="Nguyen Thi Lan")

    assert "chinh ban" in doctor.send(f"DUYET {code}")
    assert "chinh ban" in doctor.send(f"TUCHOI {code} thu")
    (row,) = rows(runtime.db, Patient, Patient.code == code)
    assert row.status == "pending"
    accept(nurse, code)

    doctor.send(RED)
    assert "chinh ban" in doctor.send(f"OK {code}")
    assert all(alert.acknowledged_at is None for alert in rows(runtime.db, Alert))
    assert "Da nhan" in nurse.send(f"OK {code}")
    assert "chinh ban" in doctor.send(f"XONG {code}")
    assert "chinh ban" in doctor.send(f"TIEP {code} 3")
    (row,) = rows(runtime.db, Patient, Patient.code == code)
    assert row.status == "active"
    assert "Da ket thuc" in nurse.send(f"XONG {code}")


def test_monitoring_ended_by_the_service_still_closes_the_open_alerts(
    phone: Callable[[str], Phone], runtime: Runtime, clock: Clock
) -> None:
    # XONG now waits for OK; an end of monitoring decided elsewhere (auto-discharge) closes what is open.
    patient = phone(PATIENT)
    code = register(patient)
    accept(phone(DOCTOR), code)
    patient.send("CUU")
    with Session(runtime.db) as session:
        apply_effects(session, [EndMonitoring(code, "auto")], clock())
        session.commit()
    (alert,) = rows(runtime.db, Alert)
    assert alert.acknowledged_at is not None
    assert alert.acknowledged_by == "auto (closed)"
