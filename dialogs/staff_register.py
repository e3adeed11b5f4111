"""`DK <phone> <full name>, <birth year>, <area>` from staff: an active patient at once."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta

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


def admit(
    patient: PatientView, by_name: str, by_phone: str, program: Program, today: date, bulk: bool = False
) -> tuple[CreatePatient, SendSms]:
    """A patient registered by the station: active at once, monitored from the test day, welcomed by SMS.

    The one way staff admit a patient, by SMS (`DK`) or from a file (`dialogs.bulk_register`).
    """
    test_day = patient.positive_test_date or today
    create = CreatePatient(
        code=patient.code,
        full_name=patient.full_name,
        birth_year=patient.birth_year,
        birth_date=patient.birth_date,
        area=patient.area,
        clinic_id=patient.clinic_id,
        phone=patient.phone,
        registered_by=by_phone,
        positive_test_date=test_day,
        symptoms=False,
        risk_factors=patient.risk_factors,
        status="active",
        language=patient.language,
        accepted_by=by_name,
        monitor_until=test_day + timedelta(days=program.monitoring_days),
    )
    return create, SendSms(patient.phone, welcome(patient, program), "welcome", patient.code, bulk=bulk)


def already_registered(on_phone: Iterable[PatientView], full_name: str) -> PatientView | None:
    """The pending or active patient of that name among a phone's patients (accents and case aside)."""
    wanted = normalize(full_name)
    for patient in on_phone:
        if normalize(patient.full_name) == wanted and patient.status in ("pending", "active"):
            return patient
    return None


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
    existing = already_registered(ctx.target_patients, full_name)
    if existing is not None:
        reply = texts("staff_dk_duplicate", name=existing.full_name, code=existing.code, phone=national(existing.phone))
        return (Reply(reply),)
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
        positive_test_date=today,
    )
    create, welcome_sms = admit(patient, ctx.staff.name, ctx.staff.phone, ctx.program, today)
    reply = texts(
        "staff_registered",
        code=patient.code,
        name=patient.full_name,
        age=whole_age(patient, today),
        area=patient.area,
        phone=national(patient.phone),
    )
    return (create, welcome_sms, Reply(reply))
