"""The inbound service over an in-memory unit of work: registration, acceptance, alerts, retries, rollback."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

import pytest

from dialogs.program import Program
from dialogs.render import CODE_FIRST, CODE_REST, is_code
from f0care.service import decide
from f0care.service.inbound import receive
from models.tables import Patient
from sms_gateway.wire import InboundSms
from tests.support.fake_uow import FakeDatabase, FakeUnitOfWork
from tests.unit.conftest import DOCTOR, NOW, PATIENT_PHONE, TRAN_PHU_STAFF

RED_ANSWERS = "93 18 86 37 0 0"  # SpO2 93, breathing 18, pulse 86, 37 degrees: red


@dataclass
class Service:
    """The inbound service as a channel calls it, on a fake database, at a fixed time."""

    db: FakeDatabase
    program: Program
    now: datetime = NOW

    def send(self, phone: str, text: str, sid: str | None = None) -> str:
        handled = receive(self.db.unit_of_work, self.program, InboundSms(phone, text, sid), self.now)
        return handled.reply or ""

    def register(self, phone: str = PATIENT_PHONE) -> str:
        """Self-registration up to the clinic's queue; returns the patient code."""
        self.answer_the_questions(phone)
        return self.confirm(phone)

    def answer_the_questions(self, phone: str) -> None:
        for text in ("DK", "Nguyen Van An", "1980", "Tran Phu", "NAY", "hom nay", "K", "K"):
            self.send(phone, text)

    def confirm(self, phone: str) -> str:
        """Send back the one-time code the phone received; returns the patient code."""
        otp = re.findall(r"\b\d{6}\b", self.db.sms_to(phone)[-1])[0]
        found = re.search(r"\b(?:ma|code) ([A-Z][A-Z2-9]{4})\b", self.send(phone, otp))
        assert found is not None
        return found.group(1)

    def patient(self, code: str) -> Patient:
        return next(p for p in self.db.tables.patients.values() if p.code == code)


@pytest.fixture
def service(program: Program) -> Service:
    return Service(FakeDatabase(), program)


def test_a_patient_registers_with_the_code_sent_to_the_phone_and_waits_for_the_clinic(service: Service) -> None:
    code = service.register()

    patient = service.patient(code)
    assert (patient.full_name, patient.phone, patient.status) == ("Nguyen Van An", PATIENT_PHONE, "pending")
    typed_otp = [m for m in service.db.tables.messages if m.direction == "in"][-1]
    assert typed_otp.body == "******"
    assert typed_otp.patient_id == patient.id
    assert service.db.tables.contacts[PATIENT_PHONE].state == "idle"


def test_staff_accept_a_pending_patient(service: Service) -> None:
    code = service.register()

    reply = service.send(DOCTOR, f"DUYET {code}")

    assert "Da duyet" in reply
    patient = service.patient(code)
    assert patient.status == "active"
    assert patient.decided_by_phone == DOCTOR
    assert patient.monitor_until is not None
    assert code in service.db.sms_to(PATIENT_PHONE)[-1]  # the welcome


def test_a_red_declaration_raises_an_alert_and_queues_the_staff_sms(service: Service) -> None:
    code = service.register()
    service.send(DOCTOR, f"DUYET {code}")

    reply = service.send(PATIENT_PHONE, RED_ANSWERS)

    assert "115" in reply
    patient = service.patient(code)
    [declaration] = service.db.tables.declarations
    assert (declaration.patient_id, declaration.level, declaration.complete) == (patient.id, "red", True)
    [alert] = service.db.tables.alerts
    assert (alert.patient_id, alert.clinic_id, alert.acknowledged_at) == (patient.id, patient.clinic_id, None)
    for staff in TRAN_PHU_STAFF:
        assert code in service.db.sms_to(staff)[-1]


def test_a_duplicate_provider_id_gets_the_same_reply_and_stores_nothing_twice(service: Service) -> None:
    code = service.register()
    service.send(DOCTOR, f"DUYET {code}")

    def counts() -> tuple[int, int, int]:
        tables = service.db.tables
        return len(tables.messages), len(tables.declarations), len(tables.alerts)

    first = service.send(PATIENT_PHONE, RED_ANSWERS, sid="SM" + "r" * 32)
    stored = counts()
    again = service.send(PATIENT_PHONE, RED_ANSWERS, sid="SM" + "r" * 32)

    assert again == first
    assert "115" in first
    assert counts() == stored
    assert stored[1:] == (1, 1)


def test_a_failure_before_the_commit_leaves_nothing(service: Service) -> None:
    code = service.register()
    before = service.db.tables
    service.db.broken.add("add_reply")  # fails after the patient, the declaration and the alert were written

    with pytest.raises(RuntimeError):
        service.send(DOCTOR, f"DUYET {code}")

    after = service.db.tables
    assert after is before
    assert service.patient(code).status == "pending"
    assert (len(after.messages), after.alerts, after.declarations) == (len(before.messages), [], [])


def test_a_taken_patient_code_runs_the_whole_message_again_with_a_new_code(
    service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = service.register()
    service.answer_the_questions("+84903111222")
    codes: Iterator[str] = iter([first, "H4N8P"])  # the retry draws a fresh code
    monkeypatch.setattr(decide, "new_code", lambda: next(codes))

    second = service.confirm("+84903111222")

    assert second == "H4N8P"
    assert service.patient(second).phone == "+84903111222"
    assert sum(1 for m in service.db.tables.messages if m.body == "DK") == 2  # each message stored once


def test_the_unit_of_work_keeps_nothing_unless_committed() -> None:
    db = FakeDatabase()
    with FakeUnitOfWork(db) as uow:
        contact = uow.contacts.for_update(PATIENT_PHONE, "vi")
        uow.contacts.save(contact)
    assert db.tables.contacts == {}
    assert db.commits == 0

    with FakeUnitOfWork(db) as uow:
        uow.contacts.save(uow.contacts.for_update(PATIENT_PHONE, "vi"))
        uow.commit()
    assert list(db.tables.contacts) == [PATIENT_PHONE]
    assert db.commits == 1


def test_patient_codes_are_valid_and_drawn_over_the_whole_alphabet() -> None:
    codes = [decide.new_code() for _ in range(4000)]
    assert all(is_code(code) for code in codes)
    assert {code[0] for code in codes} == set(CODE_FIRST)
    for at in range(1, 5):
        assert {code[at] for code in codes} == set(CODE_REST)
