"""`LS` through the signed webhook: complete declarations win over later partial ones, monitoring has a start."""

from __future__ import annotations

from collections.abc import Callable

from f0care.runtime import Runtime
from tests.integration.journeys import DOCTOR, PATIENT, accept, register
from tests.support.fakes import Clock
from tests.support.phone import Phone


def test_a_partial_answer_after_a_complete_one_does_not_hide_the_day(
    phone: Callable[[str], Phone], runtime: Runtime, clock: Clock
) -> None:
    patient = phone(PATIENT)
    code = register(patient)
    accept(phone(DOCTOR), code)
    patient.send("98 18 86 37 0 0")  # Wed 25/11, complete
    clock.advance(minutes=30)
    patient.send("KB")
    clock.advance(seconds=30)
    patient.send("97")  # a step-by-step answer left unfinished
    clock.advance(days=1)
    patient.send("KB")
    clock.advance(seconds=30)
    patient.send("97")  # Thu 26/11: only a partial answer
    clock.advance(seconds=30)
    history = patient.send("LS")

    assert history.startswith(f"LS {code}")
    assert "25/11 98 18 86 37 0 0 xanh" in history
    assert "25/11 97" not in history
    assert "26/11 97 ? ? ? ? ? xanh (chua du)" in history


def test_days_before_monitoring_began_are_not_listed_as_missed(
    phone: Callable[[str], Phone], runtime: Runtime, clock: Clock
) -> None:
    patient = phone(PATIENT)
    accept(phone(DOCTOR), register(patient))  # Wed 25/11
    clock.advance(days=2)
    patient.send("98 18 86 37 0 0")  # Fri 27/11
    history = patient.send("LS")

    assert "27/11 98 18 86 37 0 0 xanh" in history
    assert "26/11 -" in history
    assert "25/11 -" in history
    assert "24/11" not in history
    assert "21/11" not in history
