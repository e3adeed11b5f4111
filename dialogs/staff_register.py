"""`DK <phone> <full name>, <birth year>, <area>` from staff: an active patient at once."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from dialogs.effects import CreatePatient, Effect, Reply, SendSms
from dialogs.phones import check_mobile
from dialogs.program import Program
from dialogs.registration import clean_name
from dialogs.render import local_today, national, whole_age
from dialogs.staff_context import Command, StaffContext, Verb
from dialogs.state import PatientView
from dialogs.templates import Texts
from dialogs.text import normalize, parse_birth

_DIRECT = re.compile(r"^\s*(?:DK|DANG\s*KY|REG)\s+(\+?[\d][\d .\-()]{7,18}\d)\s+(.+)$", re.IGNORECASE | re.DOTALL)


def welcome(patient: PatientView, program: Program) -> str:
    clinic = program.clinic(patient.clinic_id)
    texts = program.texts(patient.language)
    return texts("welcome", name=patient.full_name, clinic=clinic.name, code=patient.code, deadline=program.deadline)


def parse_direct(folded: str) -> Command | None:
    """`DK <phone> <rest>` (the rest is checked by `register`)."""
    direct = _DIRECT.match(folded)
    if direct is None:
        return None
    return Command(Verb.REGISTER, phone=direct.group(1), rest=direct.group(2).strip())


def register(cmd: Command, ctx: StaffContext, texts: Texts, now: datetime) -> tuple[Effect, ...]:
    """`DK <phone> <full name>, <birth year>, <area>`: an active patient at once."""
    fmt = (Reply(texts("staff_dk_format")),)
    parts = [p.strip() for p in cmd.rest.split(",")]
    mobile = check_mobile(cmd.phone, ctx.program.country)
    if mobile.problem == "not_mobile":
        return (Reply(texts("staff_dk_landline", phone=cmd.phone.strip())),)
    if len(parts) != 3 or mobile.e164 is None or mobile.problem is not None or not all(parts):
        return fmt
    name, birth_text, area_text = parts
    today = local_today(now, ctx.program.timezone)
    birth = parse_birth(birth_text, today)
    full_name = clean_name(name)
    if birth is None or full_name is None:
        return fmt
    found = ctx.program.area_index.match(area_text)
    if found.clinic_id is None or found.area is None:
        return (Reply(texts("staff_dk_unknown_area", text=area_text[:30], options=", ".join(found.suggestions))),)
    if found.clinic_id != ctx.staff.clinic_id:
        other = ctx.program.clinic(found.clinic_id)
        return (Reply(texts("staff_dk_other_clinic", area=found.area, clinic=other.name)),)
    for existing in ctx.target_patients:
        if normalize(existing.full_name) == normalize(full_name) and existing.status in ("pending", "active"):
            return (
                Reply(
                    texts(
                        "staff_dk_duplicate",
                        name=existing.full_name,
                        code=existing.code,
                        phone=national(existing.phone),
                    )
                ),
            )
    patient = PatientView(
        code=ctx.new_code,
        full_name=full_name,
        phone=mobile.e164,
        clinic_id=found.clinic_id,
        status="active",
        birth_year=birth[1],
        birth_date=birth[0],
        area=found.area,
        language=ctx.program.default_language,
    )
    create = CreatePatient(
        code=patient.code,
        full_name=patient.full_name,
        birth_year=patient.birth_year,
        birth_date=patient.birth_date,
        area=patient.area,
        clinic_id=patient.clinic_id,
        phone=patient.phone,
        registered_by=ctx.staff.phone,
        positive_test_date=today,
        symptoms=False,
        risk_factors=(),
        status="active",
        language=patient.language,
        accepted_by=ctx.staff.name,
        monitor_until=today + timedelta(days=ctx.program.monitoring_days),
    )
    reply = texts(
        "staff_registered",
        code=patient.code,
        name=patient.full_name,
        age=whole_age(patient, today),
        area=patient.area,
        phone=national(patient.phone),
    )
    return (create, SendSms(patient.phone, welcome(patient, ctx.program), "welcome", patient.code), Reply(reply))
