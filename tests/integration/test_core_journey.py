"""The whole program by SMS, through the signed webhook: register, confirm, accept, declare, alert."""

from __future__ import annotations

import re
from collections.abc import Callable

from sqlmodel import Session, select

from f0care.runtime import Runtime
from models.tables import Alert, Declaration, Message, Patient
from tests.support.phone import Phone

PATIENT = "+84987654321"
DOCTOR = "+84912000001"  # BS Lan, Tram Y te phuong Tran Phu
NURSE = "+84912000002"


def register(phone: Phone, name: str = "Nguyen Van An", birth: str = "1980") -> str:
    for text in ("DK", name, birth, "Tran Phu", "NAY", "hom nay", "K", "13"):
        phone.send(text)
    code = re.search(r"\b(\d{6})\b", phone.last_sms())
    assert code, phone.inbox
    phone.send(code.group(1))
    found = re.search(r"ma ([A-Z0-9]{5})", phone.last_reply())
    assert found, phone.last_reply()
    return found.group(1)


def test_a_patient_registers_is_accepted_and_a_red_answer_reaches_every_staff_member(
    phone: Callable[[str], Phone], runtime: Runtime
) -> None:
    patient, doctor = phone(PATIENT), phone(DOCTOR)
    code = register(patient)
    assert "Tram Y te phuong Tran Phu" in patient.last_reply()
    request = doctor.last_sms()
    assert f"DUYET {code}" in request
    assert "Nguyen Van An" in request
    assert "benh man tinh" in request

    assert "Da duyet" in doctor.send(f"duyet {code.lower()}")
    assert f"Ma BN: {code}" in patient.last_sms()

    reply = patient.send("94 24 86 37,5 0 0")
    assert "115" in reply
    assert "SpO2 thap (94%)" in reply
    for staff in (DOCTOR, NURSE):
        alert = phone(staff).last_sms()
        assert "CANH BAO DO" in alert
        assert f"OK {code}" in alert
        assert "SpO2 94" in alert

    assert "Da nhan 1 canh bao" in doctor.send(f"OK {code}")
    assert "BS Lan" in patient.last_sms()
    with Session(runtime.db) as s:
        alert_row = s.exec(select(Alert)).one()
        assert alert_row.acknowledged_by == "BS Lan"
        declaration = s.exec(select(Declaration)).one()
        assert declaration.complete
        assert declaration.level == "red"
        assert declaration.answers["temperature"] == 37.5


def test_a_retried_webhook_gets_the_same_reply_and_stores_nothing_twice(
    phone: Callable[[str], Phone], runtime: Runtime
) -> None:
    p = phone(PATIENT)
    first = p.send("DK", sid="SM" + "a" * 32)
    again = p.send("DK", sid="SM" + "a" * 32)
    assert first == again
    with Session(runtime.db) as s:
        assert len(s.exec(select(Message).where(Message.direction == "in")).all()) == 1
        assert len(s.exec(select(Message).where(Message.kind == "reply")).all()) == 1


def test_staff_register_a_patient_directly_and_the_patient_gets_the_welcome(
    phone: Callable[[str], Phone], runtime: Runtime
) -> None:
    reply = phone(DOCTOR).send("DK 0987 654 321 Tran Thi Binh, 1990, phuong Tran Phu")
    assert "Da dang ky" in reply
    assert "Ma BN" in phone(PATIENT).last_sms()
    with Session(runtime.db) as s:
        row = s.exec(select(Patient)).one()
        assert row.status == "active"
        assert row.phone == PATIENT
        assert row.decided_by == "BS Lan"
