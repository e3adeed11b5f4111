"""Short SMS commands from health-station staff: DUYET, TUCHOI, OK, DK <phone> ...

`parse` reads a command; the host loads the patient it names and calls `handle`.
Staff act only on their own clinic's patients.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from dialogs import monitoring
from dialogs.effects import AcknowledgeAlerts, CreatePatient, Effect, Reply, SendSms, SetPatientStatus
from dialogs.phones import check_mobile
from dialogs.program import Program, Staff
from dialogs.registration import clean_name
from dialogs.render import is_code, local_now, local_today, national, whole_age
from dialogs.state import PatientView
from dialogs.templates import Texts
from dialogs.text import fold, normalize, parse_birth

VERBS = {
    "DUYET": "accept",
    "TUCHOI": "reject",
    "TU CHOI": "reject",
    "OK": "ack",
    "DK": "register",
    "XONG": "end",
    "TIEP": "extend",
}
_DIRECT = re.compile(r"^\s*(?:DK|DANG\s*KY|REG)\s+(\+?[\d][\d .\-()]{7,18}\d)\s+(.+)$", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class Command:
    verb: str  # accept, reject, ack, register
    code: str = ""
    rest: str = ""  # reason for reject; "<name>, <birth>, <area>" for register
    phone: str = ""  # raw phone for register


@dataclass(frozen=True)
class StaffContext:
    program: Program
    staff: Staff
    patient: PatientView | None = None  # the patient the command names, any clinic
    open_alerts: int = 0
    new_code: str = ""
    target_patients: tuple[PatientView, ...] = ()  # for DK: patients already on that phone


def parse(text: str) -> Command | None:
    """A staff command, or None when the text is not one (it then goes to the patient dialogs)."""
    folded = fold(text)
    direct = _DIRECT.match(folded)
    if direct:
        return Command("register", phone=direct.group(1), rest=direct.group(2).strip())
    words = folded.split(maxsplit=2)
    norm = normalize(" ".join(words[:2]))
    if norm.startswith("TU CHOI"):
        words = ["TUCHOI", *folded.split(maxsplit=3)[2:]]
    if not words:
        return None
    verb = VERBS.get(normalize(words[0]))
    if verb is None or verb == "register" or len(words) < 2:
        return None
    code = normalize(words[1]).strip(".,;:!?")
    if not is_code(code):
        return None  # "ok cam on" is thanks, not a command
    rest = words[2].strip() if len(words) > 2 else ""
    return Command(verb, code=code, rest=rest)


def help_reply(program: Program) -> tuple[Effect, ...]:
    """What staff get for text that is not a command."""
    texts = program.texts(program.default_language)
    return (Reply(texts("staff_help")),)


def handle(cmd: Command, ctx: StaffContext, now: datetime) -> tuple[Effect, ...]:
    """Carry out one staff command; always answers the staff member."""
    texts = ctx.program.texts(ctx.program.default_language)
    if cmd.verb == "register":
        return register(cmd, ctx, texts, now)
    clinic = ctx.program.clinic(ctx.staff.clinic_id)
    patient = ctx.patient
    if patient is None or patient.clinic_id != clinic.id:
        return (Reply(texts("staff_unknown_code", code=cmd.code[:8], clinic=clinic.name)),)
    if cmd.verb == "ack":
        return acknowledge(patient, ctx, texts)
    if cmd.verb in ("end", "extend"):
        if patient.status != "active":
            return (
                Reply(
                    texts(
                        "staff_not_active",
                        code=patient.code,
                        name=patient.full_name,
                        status=_status(texts, patient.status),
                    )
                ),
            )
        if cmd.verb == "end":
            return monitoring.staff_end(patient, ctx.staff, ctx.program)
        return monitoring.staff_extend(patient, cmd.rest, ctx.staff, ctx.program, now)
    if patient.status != "pending":
        return (Reply(_already(patient, texts, ctx)),)
    if cmd.verb == "accept":
        return (
            SetPatientStatus(
                patient.code, "active", ctx.staff.phone, ctx.staff.name, None, _monitor_until(patient, ctx.program, now)
            ),
            SendSms(patient.phone, welcome(patient, ctx.program), "welcome", patient.code),
            Reply(texts("staff_accepted", code=patient.code, name=patient.full_name, phone=national(patient.phone))),
        )
    if not cmd.rest:
        return (Reply(texts("staff_reject_needs_reason", code=patient.code)),)
    told = ctx.program.texts(patient.language)
    notice = told(
        "rejected_to_registrant",
        clinic=clinic.name,
        name=patient.full_name,
        reason=cmd.rest[:120],
        clinic_phone=clinic.phone,
    )
    return (
        SetPatientStatus(patient.code, "rejected", ctx.staff.phone, ctx.staff.name, cmd.rest[:500]),
        SendSms(patient.registered_by or patient.phone, notice, "notice", patient.code),
        Reply(texts("staff_rejected", code=patient.code, name=patient.full_name)),
    )


def _monitor_until(patient: PatientView, program: Program, now: datetime) -> date:
    start = patient.positive_test_date or local_today(now, program.timezone)
    return start + timedelta(days=program.monitoring_days)


def _status(texts: Texts, status: str) -> str:
    key = "status_" + status
    return texts.raw(key) if key in texts else status


def _already(patient: PatientView, texts: Texts, ctx: StaffContext) -> str:
    if patient.decided_at is None:
        return texts(
            "staff_not_pending", code=patient.code, name=patient.full_name, status=_status(texts, patient.status)
        )
    when = local_now(patient.decided_at, ctx.program.timezone).strftime("%H:%M %d/%m")
    return texts(
        "staff_already_done",
        code=patient.code,
        name=patient.full_name,
        by=patient.decided_by,
        status=_status(texts, patient.status),
        when=when,
    )


def acknowledge(patient: PatientView, ctx: StaffContext, texts: Texts) -> tuple[Effect, ...]:
    if ctx.open_alerts == 0:
        return (Reply(texts("staff_no_alerts", code=patient.code, name=patient.full_name)),)
    clinic = ctx.program.clinic(patient.clinic_id)
    told = ctx.program.texts(patient.language)
    notice = told("ack_patient", staff=ctx.staff.name, clinic=clinic.name, code=patient.code)
    reply = texts(
        "staff_acked", count=ctx.open_alerts, code=patient.code, name=patient.full_name, phone=national(patient.phone)
    )
    return (
        AcknowledgeAlerts(patient.code, ctx.staff.phone, ctx.staff.name),
        SendSms(patient.phone, notice, "notice", patient.code),
        Reply(reply),
    )


def welcome(patient: PatientView, program: Program) -> str:
    clinic = program.clinic(patient.clinic_id)
    texts = program.texts(patient.language)
    return texts("welcome", name=patient.full_name, clinic=clinic.name, code=patient.code, deadline=program.deadline)


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
