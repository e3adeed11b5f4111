"""The acknowledgement ladder: a red alert nobody acknowledged climbs until somebody does.

It climbs per patient: a patient's alerts move together and are named once. The clinic's staff
(step 1) get one SMS per clinic and the on-call (step 2) one SMS per step listing every patient
waiting, however many there are.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime

from dialogs.alerts import staff_texts
from dialogs.render import national
from dialogs.rules.effects import Escalate, ScheduledSms
from dialogs.rules.rows import OpenAlert
from dialogs.rules.settings import RuleSettings

LAST_STEP = 2  # 1: the clinic's staff and supervisors again; 2: the province on-call list
MAX_LISTED = 4  # patients named in one list; the rest are counted


def climb(alerts: Iterable[OpenAlert], now: datetime, settings: RuleSettings) -> list[Escalate]:
    """Each alert unacknowledged for the timeout goes one step up: the clinic again, then on-call."""
    due = [a for a in alerts if a.step < LAST_STEP and a.since + settings.ack_timeout <= now]
    groups: dict[tuple[int, str], list[OpenAlert]] = {}
    for alert in due:
        step = alert.step + 1
        groups.setdefault((step, alert.clinic_id if step == 1 else ""), []).append(alert)
    moves: list[Escalate] = []
    for (step, _clinic), group in groups.items():
        messages = _messages(step, group, settings)
        for alert in group:  # the group's first move carries its messages; the others climb silently
            moves.append(Escalate(alert.alert_id, alert.step, step, messages if alert is group[0] else ()))
    moves.sort(key=lambda move: move.alert_id)
    return moves


def _messages(step: int, group: list[OpenAlert], settings: RuleSettings) -> tuple[ScheduledSms, ...]:
    """One SMS per person told at this step: the alert's own text for one patient, a list for several."""
    texts = staff_texts(settings.program)
    first = group[0]
    clinic = settings.program.clinic(first.clinic_id)
    phones = [s.phone for s in clinic.staff] if step == 1 else list(settings.oncall)
    patients = list({a.patient_id: a for a in group}.values())  # per patient, named once
    if len(patients) == 1:
        values = dict(code=first.code, name=first.full_name, phone=national(first.phone), reason=first.reason)
        if step == 1:
            text = texts("escalation_staff", minutes=settings.ack_timeout_minutes, **values)
        else:
            text = texts("escalation_oncall", clinic=clinic.name, **values)
        return tuple(
            ScheduledSms(f"ack:{first.alert_id}:{step}:{phone}", phone, text, "alert", first.patient_id)
            for phone in phones
        )
    listed = ", ".join(f"{a.code} {national(a.phone)}" for a in patients[:MAX_LISTED])
    more = f" +{len(patients) - MAX_LISTED}" if len(patients) > MAX_LISTED else ""
    key = "escalation_staff_list" if step == 1 else "escalation_oncall_list"
    text = texts(key, count=len(patients), patients=listed + more, minutes=settings.ack_timeout_minutes)
    ids = ",".join(str(a.alert_id) for a in sorted(group, key=lambda a: a.alert_id))
    digest = hashlib.sha256(ids.encode()).hexdigest()[:16]
    return tuple(ScheduledSms(f"ack:list:{digest}:{step}:{phone}", phone, text, "alert") for phone in phones)
