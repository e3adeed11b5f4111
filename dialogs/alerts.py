"""Red alerts: every staff member of the patient's clinic is told at once."""

from __future__ import annotations

from datetime import datetime

from dialogs.effects import Effect, RaiseAlert, SendSms
from dialogs.program import Level, Program
from dialogs.render import local_today, national, risks, whole_age
from dialogs.state import PatientView
from dialogs.templates import Texts


def staff_texts(program: Program) -> Texts:
    return program.texts(program.default_language)


def red_alert(
    patient: PatientView,
    reasons: str,
    program: Program,
    now: datetime,
    kind: str = "answers",
    key: str | None = None,
) -> list[Effect]:
    """Record a red alert and send it to every staff member of the patient's clinic."""
    clinic = program.clinic(patient.clinic_id)
    texts = staff_texts(program)
    today = local_today(now, program.timezone)
    text = texts(
        "red_staff_pending" if patient.status == "pending" else "red_staff",  # not accepted yet: says so
        code=patient.code,
        name=patient.full_name,
        age=whole_age(patient, today),
        phone=national(patient.phone),
        area=patient.area,
        reasons=reasons,
        risks=risks(patient, today, texts.language),
    )
    effects: list[Effect] = [RaiseAlert(patient.code, Level.RED, reasons, kind, key)]
    effects += [SendSms(s.phone, text, "alert", patient.code) for s in clinic.staff]
    return effects
