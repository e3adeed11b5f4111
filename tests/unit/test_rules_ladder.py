"""The acknowledgement ladder, decided without a database."""

from __future__ import annotations

from datetime import datetime, timedelta

from dialogs.program import Program
from dialogs.rules.effects import Escalate
from dialogs.rules.ladder import climb
from dialogs.rules.rows import OpenAlert
from tests.unit.conftest import CODE, PATIENT_PHONE, TRAN_PHU, TRAN_PHU_STAFF
from tests.unit.rules_support import ONCALL, local, settings

RAISED = local(26, "08:00")


def alert(step: int = 0, since: datetime = RAISED) -> OpenAlert:
    return OpenAlert(7, step, since, "SpO2 93", 42, CODE, "Nguyen Van An", PATIENT_PHONE, TRAN_PHU)


def test_an_alert_unacknowledged_for_31_minutes_climbs_to_the_clinics_staff_once(program: Program) -> None:
    (move,) = climb([alert()], RAISED + timedelta(minutes=31), settings(program))
    assert (move.alert_id, move.from_step, move.to_step) == (7, 0, 1)
    assert [m.to for m in move.messages] == list(TRAN_PHU_STAFF)
    assert all(m.key == f"ack:7:1:{m.to}" and m.kind == "alert" and m.patient_id == 42 for m in move.messages)
    assert all("NHAC LAI" in m.text and CODE in m.text and "0987654321" in m.text for m in move.messages)


def test_an_alert_raised_29_minutes_ago_does_not_climb_yet(program: Program) -> None:
    assert climb([alert()], RAISED + timedelta(minutes=29), settings(program)) == []


def test_the_timeout_is_the_configured_one_and_named_in_the_text(program: Program) -> None:
    assert climb([alert()], RAISED + timedelta(minutes=31), settings(program, ack_timeout_minutes=45)) == []
    (move,) = climb([alert()], RAISED + timedelta(minutes=45), settings(program, ack_timeout_minutes=45))
    assert all("45" in m.text for m in move.messages)


def test_an_alert_resent_to_the_clinic_climbs_to_on_call_a_timeout_after_the_resend(program: Program) -> None:
    resent = alert(step=1, since=RAISED + timedelta(minutes=31))
    assert climb([resent], RAISED + timedelta(minutes=60), settings(program)) == []
    (move,) = climb([resent], RAISED + timedelta(minutes=61), settings(program))
    assert move.to_step == 2
    assert [m.to for m in move.messages] == [ONCALL]
    assert f"OK {CODE}" in move.messages[0].text
    assert move.messages[0].key == f"ack:7:2:{ONCALL}"


def test_an_alert_already_with_on_call_climbs_no_further(program: Program) -> None:
    assert climb([alert(step=2)], RAISED + timedelta(days=1), settings(program)) == []


def test_each_due_alert_climbs_on_its_own(program: Program) -> None:
    other = OpenAlert(8, 0, RAISED, "CUU", 43, "B3CHD", "Nguyen Van Be", PATIENT_PHONE, TRAN_PHU)
    moves = climb([alert(), other], RAISED + timedelta(minutes=30), settings(program))
    assert [(m.alert_id, m.to_step) for m in moves] == [(7, 1), (8, 1)]
    assert all(isinstance(m, Escalate) for m in moves)
