"""The acknowledgement ladder: a red alert nobody acknowledged climbs until somebody does."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from dialogs.alerts import staff_texts
from dialogs.render import national
from dialogs.rules.effects import Escalate, ScheduledSms
from dialogs.rules.rows import OpenAlert
from dialogs.rules.settings import RuleSettings

LAST_STEP = 2  # 1: the clinic's staff and supervisors again; 2: the province on-call list


def climb(alerts: Iterable[OpenAlert], now: datetime, settings: RuleSettings) -> list[Escalate]:
    """Each alert unacknowledged for the timeout goes one step up: the clinic again, then on-call."""
    texts = staff_texts(settings.program)
    moves: list[Escalate] = []
    for alert in alerts:
        if alert.step >= LAST_STEP or alert.since + settings.ack_timeout > now:
            continue
        step = alert.step + 1
        clinic = settings.program.clinic(alert.clinic_id)
        values = dict(code=alert.code, name=alert.full_name, phone=national(alert.phone), reason=alert.reason)
        if step == 1:
            text = texts("escalation_staff", minutes=settings.ack_timeout_minutes, **values)
            phones = [s.phone for s in clinic.staff]
        else:
            text = texts("escalation_oncall", clinic=clinic.name, **values)
            phones = list(settings.oncall)
        messages = tuple(
            ScheduledSms(f"ack:{alert.alert_id}:{step}:{phone}", phone, text, "alert", alert.patient_id)
            for phone in phones
        )
        moves.append(Escalate(alert.alert_id, alert.step, step, messages))
    return moves
