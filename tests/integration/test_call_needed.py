"""Through the signed webhooks: an undeliverable receipt puts the patient in the digest, DAGOI takes them out."""

from __future__ import annotations

from collections.abc import Callable

from flask.testing import FlaskClient
from sqlmodel import Session, select

from f0care.config import Config
from f0care.runtime import Runtime, job_context
from models.tables import Message, Patient
from scheduler.runner import run_named
from tests.integration.journeys import DOCTOR, NURSE, rows
from tests.integration.test_receipts_act import post_status
from tests.integration.test_scheduler_jobs import enrol, local
from tests.support.fakes import RecordingSender
from tests.support.phone import Phone

AN = "+84987000001"


def digest_of(sender: RecordingSender, day: str) -> str:
    (text,) = [t for t in sender.sent[NURSE] if t.startswith(f"Tram Y te phuong Tran Phu {day}:")]
    return text


def test_a_patient_sms_cannot_reach_is_in_the_digest_until_staff_say_they_called(
    phone: Callable[[str], Phone], client: FlaskClient, config: Config, runtime: Runtime, sender: RecordingSender
) -> None:
    code = enrol(phone, "0987000001", "Nguyen Van An")
    with Session(runtime.db) as s:
        welcome = s.exec(select(Message).where(Message.phone == AN, Message.direction == "out")).first()
    assert welcome is not None
    assert welcome.provider_sid
    assert post_status(client, config, welcome.provider_sid, "undelivered", "30003") == 204

    jobs = job_context(runtime)
    run_named(jobs, "deadline", local(26, "10:00"))
    assert f"Can goi dien, goi xong gui DAGOI <ma> (1): {code} NVA 0987***001" in digest_of(sender, "26/11")

    doctor = phone(DOCTOR)
    assert "bo khoi danh sach can goi" in doctor.send(f"da goi {code}")
    assert [p.call_needed for p in rows(runtime.db, Patient, Patient.code == code)] == [False]
    assert "khong co trong danh sach" in doctor.send(f"DAGOI {code}")

    run_named(jobs, "deadline", local(27, "10:00"))
    assert "Can goi" not in digest_of(sender, "27/11")
