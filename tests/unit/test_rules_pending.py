"""The pending-registration watch, decided without a database."""

from __future__ import annotations

from datetime import timedelta

from dialogs.program import Program
from dialogs.rules.pending import remind
from dialogs.rules.rows import WaitingRegistration
from tests.unit.conftest import DOCTOR, NURSE, SUPERVISOR, TRAN_PHU
from tests.unit.rules_support import local, settings

REGISTERED = local(25, "08:00")
WAITING = WaitingRegistration(9, "PQRST", "Do Van Giang", "Tran Phu", "+84987000009", TRAN_PHU, REGISTERED)


def test_a_registration_waiting_eleven_hours_is_not_sent_again(program: Program) -> None:
    assert remind([WAITING], REGISTERED + timedelta(hours=11), settings(program)) == []


def test_a_registration_waiting_twelve_hours_goes_again_to_every_staff_member_of_its_clinic(program: Program) -> None:
    messages = remind([WAITING], REGISTERED + timedelta(hours=12, minutes=15), settings(program))
    assert [m.to for m in messages] == [DOCTOR, NURSE, SUPERVISOR]
    assert all(m.key == f"pending:9:1:{m.to}" and m.kind == "staff" and m.patient_id == 9 for m in messages)
    assert all("NHAC: DK PQRST" in m.text and "12 gio" in m.text and "0987000009" in m.text for m in messages)


def test_after_twice_the_wait_the_supervisor_is_told_with_a_key_of_its_own(program: Program) -> None:
    messages = remind([WAITING], REGISTERED + timedelta(hours=24), settings(program))
    assert [(m.key.split(":")[2], m.to) for m in messages] == [
        ("1", DOCTOR),
        ("1", NURSE),
        ("1", SUPERVISOR),
        ("2", SUPERVISOR),
    ]


def test_the_wait_is_the_configured_one(program: Program) -> None:
    assert remind([WAITING], REGISTERED + timedelta(hours=13), settings(program, accept_within_hours=24)) == []
