"""The deadline: every clinic's digest to its staff; two silent days raise a red alert."""

from __future__ import annotations

from datetime import datetime

from dialogs.alerts import red_alert, staff_texts
from dialogs.rules.digest import Digest, render, summarize
from dialogs.rules.effects import RaiseOnce, ScheduledEffect, ScheduledSms
from dialogs.rules.rows import ClinicDay
from dialogs.rules.settings import RuleSettings


def deadline(rows: ClinicDay, now: datetime, settings: RuleSettings) -> list[ScheduledEffect]:
    """One clinic at the deadline: a red alert per silent patient, then the digest to each staff member."""
    digest = summarize(rows, settings)
    effects: list[ScheduledEffect] = list(not_reporting(digest, rows, now, settings))
    if digest.total == 0 and not digest.red:
        return effects  # nothing to say: every SMS costs the province money
    day, clinic = rows.day, rows.clinic
    effects += [
        ScheduledSms(f"digest:{day}:{clinic.id}:{staff.phone}:{n}", staff.phone, text, "digest")
        for n, text in enumerate(render(digest, settings.program))
        for staff in clinic.staff
    ]
    return effects


def not_reporting(digest: Digest, rows: ClinicDay, now: datetime, settings: RuleSettings) -> list[RaiseOnce]:
    """A red alert, once per patient and silent stretch, for two days without a declaration."""
    reason = staff_texts(settings.program).raw("not_reporting_reason")
    raised: list[RaiseOnce] = []
    for row in digest.silent_two_days:
        # One alert per silent stretch: the key names the last day the patient declared.
        since = rows.last_declared.get(row.patient_id, "never")
        key = f"silent:{row.patient_id}:{since}"
        effects = red_alert(row.patient, reason, settings.program, now, "not_reporting", key)
        raised.append(RaiseOnce(row.patient_id, row.patient, tuple(effects)))
    return raised
