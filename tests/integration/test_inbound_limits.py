"""Issue 16 point 4, through the signed webhook: inbound rate limits per phone and for the service."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import event

from f0care.config import Config
from f0care.config.abuse import LimitsConfig, PerPhone
from f0care.runtime import Runtime
from models.tables import Alert, Message
from tests.integration.journeys import DOCTOR, PATIENT, TRAN_PHU_STAFF, UNKNOWN, accept, code_in, otp_in, register, rows
from tests.support.fakes import Clock
from tests.support.phone import Phone

Phones = Callable[[str], Phone]


def inbound(runtime: Runtime, phone: str) -> list[Message]:
    return rows(runtime.db, Message, Message.direction == "in", Message.phone == phone)


def test_a_phone_over_30_messages_in_10_minutes_gets_one_notice_then_silence_and_every_message_is_stored(
    phone: Phones, runtime: Runtime, clock: Clock
) -> None:
    flooder = phone(UNKNOWN)
    replies = [flooder.send(f"xin chao {n}") for n in range(40)]
    assert all(replies[:30])
    assert "115" in replies[30]
    assert replies[31:] == [""] * 9
    assert len(inbound(runtime, UNKNOWN)) == 40
    clock.advance(minutes=11)
    assert flooder.send("TRO GIUP")  # calmed down: answered again


def test_an_over_the_limit_phone_pages_nobody_until_it_calms_down(
    phone: Phones, runtime: Runtime, clock: Clock
) -> None:
    patient, doctor = phone(PATIENT), phone(DOCTOR)
    accept(doctor, register(patient))
    clock.advance(minutes=11)
    for n in range(30):
        patient.send(f"LS {n}")
    paged = len(doctor.inbox)
    patient.send("CUU")
    patient.send("CUU")
    assert len(doctor.inbox) == paged
    assert rows(runtime.db, Alert) == []
    assert len(inbound(runtime, PATIENT)) >= 32


def test_staff_phones_are_exempt(phone: Phones) -> None:
    doctor = phone(DOCTOR)
    assert all(doctor.send("TRO GIUP") for _ in range(35))


class TestTheServiceBudget:
    @pytest.fixture
    def config(self, config: Config) -> Config:
        return config.model_copy(update={"limits": LimitsConfig(inbound_per_phone=PerPhone(), inbound_per_minute=5)})

    def test_beyond_it_only_alarming_messages_are_acted_on_and_all_are_stored(
        self, phone: Phones, runtime: Runtime, clock: Clock
    ) -> None:
        patient, doctor = phone(PATIENT), phone(DOCTOR)
        for text in ("DK", "Nguyen Van An", "1980", "Tran Phu", "NAY", "hom nay", "K", "K"):
            patient.send(text)
            clock.advance(seconds=20)  # within the service's budget of 5 a minute
        patient.send(otp_in(patient.last_sms()))
        accept(doctor, code_in(patient.last_reply()))
        clock.advance(minutes=2)
        others = [phone(f"+8498711{n:04d}") for n in range(6)]
        for other in others:
            other.send("xin chao")
        assert others[-1].last_reply() == ""
        assert "115" in patient.send("CUU")  # still heard
        assert all("CANH BAO DO" in phone(s).last_sms() for s in TRAN_PHU_STAFF)
        assert len(rows(runtime.db, Message, Message.direction == "in", Message.status == "limited")) == 1

    def test_the_last_minute_is_counted_once_a_second_however_near_the_budget(
        self, phone: Phones, runtime: Runtime, clock: Clock
    ) -> None:
        counts: list[str] = []

        def seen(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
            if "count(" in statement and "phone" not in statement:
                counts.append(statement)

        event.listen(runtime.db, "before_cursor_execute", seen)
        try:
            senders = [phone(f"+8498712{n:04d}") for n in range(4)]
            replies = [sender.send("xin chao") for sender in senders]  # all in one second, up to 4 of 5
            assert all(replies)
            assert len(counts) == 1  # not again on each message once half the budget is used
            clock.advance(seconds=1)
            assert phone("+84987130000").send("xin chao")  # counted again: 4 in the last minute, under 5
            assert len(counts) == 2
            assert phone("+84987130001").send("xin chao") == ""  # this process's fifth: over the budget
        finally:
            event.remove(runtime.db, "before_cursor_execute", seen)
