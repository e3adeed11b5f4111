"""The pending-registration watch: a registration waiting too long for DUYET is sent again."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from dialogs.alerts import staff_texts
from dialogs.program import Role
from dialogs.render import national
from dialogs.rules.effects import ScheduledSms
from dialogs.rules.rows import WaitingRegistration
from dialogs.rules.settings import RuleSettings


def remind(waiting: Iterable[WaitingRegistration], now: datetime, settings: RuleSettings) -> list[ScheduledSms]:
    """After the wait, to the clinic's staff (once); after twice the wait, also to its supervisors."""
    wait = settings.accept_within
    texts = staff_texts(settings.program)
    messages: list[ScheduledSms] = []
    for patient in waiting:
        if patient.created_at > now - wait:
            continue
        clinic = settings.program.clinic(patient.clinic_id)
        hours = int((now - patient.created_at).total_seconds() // 3600)
        text = texts(
            "pending_again",
            code=patient.code,
            name=patient.full_name,
            area=patient.area,
            phone=national(patient.phone),
            hours=hours,
        )
        if patient.declared:  # a pending patient is a patient: what it declared goes with the request
            declared = f"{patient.declared} {texts.raw('level_' + patient.declared_level)}"
            text += texts("pending_declarations", declarations=declared)
        targets = [(1, s.phone) for s in clinic.staff]
        if patient.created_at <= now - 2 * wait:
            targets += [(2, s.phone) for s in clinic.staff if s.role is Role.SUPERVISOR]
        messages += [
            ScheduledSms(f"pending:{patient.patient_id}:{step}:{phone}", phone, text, "staff", patient.patient_id)
            for step, phone in targets
        ]
    return messages
