"""Issue 16 points 1-3 and issue 11 point 1, through the signed webhook: codes, names, alerts."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy.engine import Engine

from f0care.config import Config
from f0care.config.abuse import RegistrationConfig
from f0care.runtime import Runtime
from models.tables import Message
from tests.integration.journeys import (
    RELATIVE,
    SUPERVISOR,
    fill_registration,
    rows,
)
from tests.support.fakes import Clock
from tests.support.phone import Phone

Phones = Callable[[str], Phone]
VIETNAMESE = [f"+8498700{n:04d}" for n in range(12)]
FOREIGN = ["+881612345678", "+93701234567", "+2348031234567", "+4915123456789", "+12025550123", "+8613812345678"]
TARGETS = VIETNAMESE[:14] + FOREIGN  # 20 numbers, as the attacker of issue 16 used


def codes(db: Engine) -> list[Message]:
    return rows(db, Message, Message.kind == "otp")


def test_a_pumping_run_of_20_targets_from_one_phone_reaches_at_most_3_numbers_and_no_foreign_one(
    phone: Phones, runtime: Runtime, clock: Clock
) -> None:
    attacker = phone(RELATIVE)
    for target in TARGETS * 2:
        fill_registration(attacker, mobile=target)
        attacker.send("GUI LAI")
        clock.advance(minutes=4)  # slow enough to stay under the inbound limit: the code budgets alone
    reached = {m.phone for m in codes(runtime.db)}
    assert len(reached) <= 3
    assert reached <= set(VIETNAMESE)
    assert any("so khac" in reply for reply in attacker.replies)  # told why, with the station's phone
    assert any("khong phai so di dong trong nuoc" in reply for reply in attacker.replies)


def test_a_fast_pumping_run_is_also_cut_by_the_inbound_limit(phone: Phones, runtime: Runtime) -> None:
    attacker = phone(RELATIVE)
    for target in TARGETS:
        fill_registration(attacker, mobile=target)
    assert len(codes(runtime.db)) <= 3
    assert len(rows(runtime.db, Message, Message.direction == "in")) == len(TARGETS) * 8  # every one stored


def test_a_registering_phone_may_still_have_codes_sent_to_itself_after_three_other_numbers(
    phone: Phones, runtime: Runtime, clock: Clock
) -> None:
    attacker = phone(RELATIVE)
    for target in VIETNAMESE[:4]:
        fill_registration(attacker, mobile=target)
        clock.advance(minutes=4)
    assert "so khac" in attacker.last_reply()
    fill_registration(attacker, mobile="NAY")
    assert {m.phone for m in codes(runtime.db)} == {*VIETNAMESE[:3], RELATIVE}


def test_the_code_sms_names_the_service_and_the_station_never_the_typed_name(phone: Phones) -> None:
    relative, parent = phone(RELATIVE), phone(VIETNAMESE[0])
    fill_registration(relative, name="Tran Thi Binh", mobile=VIETNAMESE[0])
    (sms,) = parent.inbox
    assert "F0 Hai Duong" in sms
    assert "Tram Y te phuong Tran Phu" in sms
    assert "Binh" not in sms


@pytest.mark.parametrize("name", ["Nhan qua tai evil.example/VN", "goi 0912345678", "a@b.vn", "www.x.vn"])
def test_a_name_that_looks_like_a_link_an_email_or_a_phone_is_refused_with_a_clear_reply(
    phone: Phones, name: str
) -> None:
    relative = phone(RELATIVE)
    relative.send("DK")
    reply = relative.send(name)
    assert "dia chi web, email hay so dien thoai" in reply
    assert "1/7" in reply


class TestTheHourlyCodeBudget:
    @pytest.fixture
    def config(self, config: Config) -> Config:
        return config.model_copy(update={"registration": RegistrationConfig(max_codes_per_hour=2)})

    def test_beyond_it_registrants_are_asked_to_call_and_supervisors_are_told_once(
        self, phone: Phones, runtime: Runtime, clock: Clock
    ) -> None:
        registrants = [phone(number) for number in VIETNAMESE[:5]]
        for registrant in registrants:
            fill_registration(registrant)
        assert len(codes(runtime.db)) == 2
        for registrant in registrants[2:]:
            assert "goi tram y te 0220 3852 000" in registrant.last_reply().lower()
        told = sorted(m.phone for m in rows(runtime.db, Message, Message.kind == "budget"))
        supervisors = sorted(s.phone for c in runtime.config.clinics for s in c.staff if s.role == "supervisor")
        assert told == supervisors
        assert SUPERVISOR in told
        clock.advance(hours=1, minutes=1)
        fill_registration(phone(VIETNAMESE[6]))
        assert len(codes(runtime.db)) == 3
