"""End of monitoring: on the due day ask for a rapid test; no answer moves the end later."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date, datetime, timedelta

from dialogs import monitoring
from dialogs.alerts import staff_texts
from dialogs.render import local_today
from dialogs.rules.effects import AskForTest, PostponeTest, ScheduledEffect, ScheduledSms, SetMonitorUntil
from dialogs.rules.rows import MonitoredPatient
from dialogs.rules.settings import RuleSettings


def end_of_monitoring(
    patients: Iterable[MonitoredPatient], now: datetime, settings: RuleSettings
) -> list[ScheduledEffect]:
    """Ask for the rapid test on the due day; a test asked and not answered moves the end later."""
    today = local_today(now, settings.program.timezone)
    effects: list[ScheduledEffect] = []
    for row in patients:
        effects += _one(row, today, settings)
    return effects


def _one(row: MonitoredPatient, today: date, settings: RuleSettings) -> list[ScheduledEffect]:
    program = settings.program
    view = row.patient
    effects: list[ScheduledEffect] = []
    if view.monitor_until is None:
        start = view.positive_test_date or today
        view = replace(view, monitor_until=start + timedelta(days=program.monitoring_days))
        assert view.monitor_until is not None
        effects.append(SetMonitorUntil(row.patient_id, view.monitor_until))
    assert view.monitor_until is not None
    asked = view.test_asked_on
    if asked is not None and asked < today and row.test_result is None:
        until = monitoring.next_test_day(view, program, today)
        notes: tuple[ScheduledSms, ...] = ()
        day = monitoring.day_of(view, today)
        if day >= monitoring.final_day(view):
            note = staff_texts(program)("no_test_result_staff", code=view.code, name=view.full_name, day=day)
            notes = tuple(
                ScheduledSms(f"still:{row.patient_id}:{today}:{s.phone}", s.phone, note, "staff", row.patient_id)
                for s in program.clinic(view.clinic_id).staff
            )
        effects.append(PostponeTest(row.patient_id, asked, until, notes))
    elif asked is None and view.monitor_until <= today and not row.opted_out:
        texts = program.texts(view.language)
        text = texts("test_request", code=f"{view.code}: ", day=monitoring.day_of(view, today))
        ask = ScheduledSms(f"test:{row.patient_id}:{today}", view.phone, text, "prompt", row.patient_id)
        effects.append(AskForTest(row.patient_id, today, (ask,)))
    return effects
