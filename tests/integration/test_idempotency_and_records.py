"""A retried webhook changes nothing; every SMS in and out is on record; one-time codes are not kept."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlmodel import col

from f0care.runtime import Runtime
from models.tables import Alert, Declaration, Message, Patient
from sms_gateway.senders import ConsoleSender
from sms_gateway.wire import SendResult
from tests.integration.journeys import (
    DOCTOR,
    PARENT,
    PATIENT,
    RELATIVE,
    TRAN_PHU_STAFF,
    accept,
    code_in,
    fill_registration,
    otp_in,
    register,
    rows,
)
from tests.support.fakes import Clock, RecordingSender
from tests.support.phone import Phone

Phones = Callable[[str], Phone]


def active_patient(phone: Phones) -> str:
    code = register(phone(PATIENT))
    accept(phone(DOCTOR), code)
    return code


# --- idempotency -----------------------------------------------------------------------------------


def test_a_retried_red_declaration_gets_the_same_reply_and_raises_one_alert(
    phone: Phones, runtime: Runtime, sender: RecordingSender
) -> None:
    active_patient(phone)
    patient = phone(PATIENT)
    before = len(sender.log)

    first = patient.send("93 18 86 37 0 0", sid="SM" + "r" * 32)
    again = patient.send("93 18 86 37 0 0", sid="SM" + "r" * 32)

    assert first == again
    assert "115" in first
    assert len(rows(runtime.db, Alert)) == 1
    assert len(rows(runtime.db, Declaration)) == 1
    assert [to for to, _ in sender.log[before:]] == list(TRAN_PHU_STAFF)
    inbound = rows(runtime.db, Message, Message.provider_sid == "SM" + "r" * 32)
    assert len(inbound) == 1
    assert len(rows(runtime.db, Message, Message.in_reply_to == inbound[0].id)) == 1


def test_a_retried_answer_that_sends_the_code_sends_one_code(
    phone: Phones, runtime: Runtime, sender: RecordingSender
) -> None:
    relative = phone(RELATIVE)
    for text in ("DK", "Tran Thi Binh", "1950", "Tran Phu", "0987 000 111", "hom nay", "K"):
        relative.send(text)
    first = relative.send("K", sid="SM" + "o" * 32)
    again = relative.send("K", sid="SM" + "o" * 32)

    assert first == again
    assert len(phone(PARENT).inbox) == 1
    assert len(rows(runtime.db, Message, Message.kind == "otp")) == 1


def test_a_retried_acceptance_sends_one_welcome(phone: Phones, runtime: Runtime) -> None:
    code = register(phone(PATIENT))
    doctor = phone(DOCTOR)
    first = doctor.send(f"DUYET {code}", sid="SM" + "d" * 32)
    again = doctor.send(f"DUYET {code}", sid="SM" + "d" * 32)

    assert first == again
    assert "Da duyet" in first
    assert len([m for m in phone(PATIENT).inbox if f"Ma BN: {code}" in m]) == 1
    assert len(rows(runtime.db, Message, Message.kind == "welcome")) == 1


# --- records ---------------------------------------------------------------------------------------


def test_every_message_in_and_out_is_stored_with_direction_phone_body_time_and_patient(
    phone: Phones, runtime: Runtime, sender: RecordingSender, clock: Clock
) -> None:
    relative, parent, doctor = phone(RELATIVE), phone(PARENT), phone(DOCTOR)
    t0 = clock.now
    fill_registration(relative, name="Tran Thi Binh", birth="1950", mobile="0987000111")
    clock.advance(minutes=1)
    relative.send(otp_in(parent.last_sms()))
    code = code_in(relative.last_reply())
    clock.advance(minutes=1)
    accept(doctor, code)
    clock.advance(minutes=1)
    parent.send("93 18 86 37 0 0")
    clock.advance(minutes=1)
    doctor.send(f"OK {code}")

    messages = rows(runtime.db, Message)
    (patient,) = rows(runtime.db, Patient)
    inbound = [m for m in messages if m.direction == "in"]
    outbound = [m for m in messages if m.direction == "out"]
    assert len(inbound) == 8 + 4  # the seven answers after DK, then the code, DUYET, the declaration, OK
    assert [m.phone for m in inbound] == [RELATIVE] * 9 + [DOCTOR, PARENT, DOCTOR]
    assert [m.body for m in inbound][-3:] == [f"DUYET {code}", "93 18 86 37 0 0", f"OK {code}"]
    assert sorted({m.created_at for m in inbound}) == [t0 + timedelta(minutes=i) for i in range(5)]
    assert all(m.body for m in messages)

    replies = [m for m in outbound if m.kind == "reply"]
    assert sorted(m.in_reply_to or 0 for m in replies) == [m.id for m in inbound]
    by_id = {m.id: m for m in inbound}
    for reply in replies:
        source = by_id[reply.in_reply_to]
        assert (reply.phone, reply.created_at, reply.patient_id) == (source.phone, source.created_at, source.patient_id)

    # Each message the gateway delivered is a stored outbound row, to the same number, in order.
    delivered = [m for m in outbound if m.kind != "reply"]
    assert [m.phone for m in delivered] == [to for to, _ in sender.log]
    assert [m.kind for m in delivered] == [
        "otp",
        "staff",
        "staff",
        "staff",
        "welcome",
        "alert",
        "alert",
        "alert",
        "notice",
    ]
    assert all(m.status == "sent" and m.sent_at is not None for m in outbound)

    # Before the code is confirmed there is no patient; from then on every message names her.
    confirmed = next(m for m in inbound if m.created_at == t0 + timedelta(minutes=1))
    assert all(m.patient_id is None for m in messages if (m.id or 0) < (confirmed.id or 0))
    later = [m for m in messages if (m.id or 0) >= (confirmed.id or 0)]
    assert all(m.patient_id == patient.id for m in later), [
        (m.phone, m.kind, m.body[:30]) for m in later if m.patient_id != patient.id
    ]


def test_the_patients_later_messages_name_the_patient(phone: Phones, runtime: Runtime) -> None:
    code = active_patient(phone)
    patient = phone(PATIENT)
    for text in ("LS", "HD", "HD 2", "TRO GIUP", "98 18 86 37 0 0", "xin chao", "CUU"):
        patient.send(text)
    phone(DOCTOR).send(f"OK {code}")
    (row,) = rows(runtime.db, Patient)
    first_after_acceptance = rows(runtime.db, Message, Message.kind == "welcome")[0].id
    later = rows(runtime.db, Message, col(Message.id) >= first_after_acceptance)
    assert all(m.patient_id == row.id for m in later), [(m.phone, m.kind, m.body[:30]) for m in later]


def test_a_stored_otp_message_keeps_no_code_once_delivered(
    phone: Phones, runtime: Runtime, sender: RecordingSender
) -> None:
    relative, parent = phone(RELATIVE), phone(PARENT)
    fill_registration(relative, name="Tran Thi Binh", birth="1950", mobile="0987000111")
    code = otp_in(parent.last_sms())

    (stored,) = rows(runtime.db, Message, Message.kind == "otp")
    assert stored.direction == "out"
    assert stored.phone == PARENT
    assert stored.status == "sent"
    assert stored.sensitive
    assert code not in stored.body
    assert "******" in stored.body
    assert "Tram Y te phuong Tran Phu" in stored.body  # the rest is kept (the station: never the typed name)


class LoggingRecorder(RecordingSender):
    """The console gateway's log line for every message, and the text kept for the test's phones."""

    def send(self, to: str, body: str, *, status_callback: str | None = None, sensitive: bool = False) -> SendResult:
        ConsoleSender().send(to, body, status_callback=status_callback, sensitive=sensitive)
        return super().send(to, body, status_callback=status_callback, sensitive=sensitive)


@pytest.fixture
def logging_sender() -> LoggingRecorder:
    return LoggingRecorder()


@pytest.fixture
def sender(logging_sender: LoggingRecorder) -> RecordingSender:
    return logging_sender


def test_the_one_time_code_never_appears_in_the_log(
    phone: Phones, caplog: pytest.LogCaptureFixture, runtime: Runtime
) -> None:
    caplog.set_level(logging.DEBUG)
    relative, parent, doctor = phone(RELATIVE), phone(PARENT), phone(DOCTOR)
    fill_registration(relative, name="Tran Thi Binh", birth="1950", mobile="0987000111")
    codes = [otp_in(parent.last_sms())]
    relative.send("123456")  # a wrong try
    relative.send("GUI LAI")
    codes.append(otp_in(parent.last_sms()))
    relative.send(codes[-1])
    accept(doctor, code_in(relative.last_reply()))

    assert any("SMS to" in r.getMessage() for r in caplog.records), "the console gateway logged nothing"
    for code in codes:
        assert code not in caplog.text
        assert all(code not in r.getMessage() for r in caplog.records)
