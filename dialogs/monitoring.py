"""End of monitoring (MoH 261): day 7 plus a negative rapid test; still positive, day 10 or 14."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from dialogs.effects import Effect, EndMonitoring, ExtendMonitoring, RecordTestResult, Reply, SendSms
from dialogs.program import Program, Staff
from dialogs.render import day_month, local_today
from dialogs.state import Context, Conversation, PatientView, Step
from dialogs.templates import Texts
from dialogs.text import is_digits

MAX_EXTENSION_DAYS = 14


def final_day(patient: PatientView) -> int:
    """Day 10 when fully vaccinated, else day 14."""
    return 14 if "unvaccinated" in patient.risk_factors else 10


def day_of(patient: PatientView, today: date) -> int:
    start = patient.positive_test_date or today
    return (today - start).days


def next_test_day(patient: PatientView, program: Program, today: date) -> date:
    """When to ask again after a positive (or missing) result."""
    start = patient.positive_test_date or today
    target = start + timedelta(days=final_day(patient))
    return target if target > today else today + timedelta(days=3)


def test_result(patient: PatientView, negative: bool, ctx: Context, texts: Texts, now: datetime) -> Step:
    """`AM` / `DUONG` from the patient's phone."""
    program = ctx.program
    today = local_today(now, program.timezone)
    if patient.test_asked_on is None:
        when = patient.monitor_until or today
        return Step(Conversation(), (Reply(texts("test_not_asked", date=day_month(when))),))
    result = "negative" if negative else "positive"
    if patient.test_result == result:  # the same answer again: recorded once, nobody told twice
        return Step(Conversation(), (Reply(texts("test_already_recorded", code=patient.code)),))
    effects: list[Effect] = [RecordTestResult(patient.code, result)]
    if not negative:
        until = next_test_day(patient, program, today)
        effects.append(ExtendMonitoring(patient.code, until, "test"))
        if day_of(patient, today) >= final_day(patient):
            staff = program.texts(program.default_language)
            note = staff("still_positive_staff", code=patient.code, name=patient.full_name, day=day_of(patient, today))
            effects += [SendSms(s.phone, note, "staff", patient.code) for s in program.clinic(patient.clinic_id).staff]
        effects.append(Reply(texts("test_positive_patient", code=patient.code, date=day_month(until))))
        return Step(Conversation(), tuple(effects))
    if program.auto_discharge:
        return Step(Conversation(), tuple(effects + end(patient, "auto", program)))
    clinic = program.clinic(patient.clinic_id)
    staff = program.texts(program.default_language)
    note = staff("test_negative_staff", code=patient.code, name=patient.full_name, day=day_of(patient, today))
    effects += [SendSms(s.phone, note, "staff", patient.code) for s in clinic.staff]
    effects.append(Reply(texts("test_negative_patient", code=patient.code)))
    return Step(Conversation(), tuple(effects))


def closing(patient: PatientView, program: Program) -> str:
    clinic = program.clinic(patient.clinic_id)
    texts = program.texts(patient.language)
    return texts("closing", name=patient.full_name, code=patient.code, clinic_phone=clinic.phone)


def end(patient: PatientView, by: str, program: Program) -> list[Effect]:
    """Monitoring ends: the patient gets the closing message with after-care advice."""
    return [
        EndMonitoring(patient.code, by),
        SendSms(patient.phone, closing(patient, program), "notice", patient.code),
    ]


def staff_end(patient: PatientView, staff: Staff, program: Program) -> tuple[Effect, ...]:
    """`XONG <CODE>`."""
    texts = program.texts(program.default_language)
    reply = Reply(texts("staff_ended", code=patient.code, name=patient.full_name))
    return (*end(patient, staff.name, program), reply)


def staff_extend(
    patient: PatientView, days_text: str, staff: Staff, program: Program, now: datetime
) -> tuple[Effect, ...]:
    """`TIEP <CODE> <days>`: keep monitoring that many more days from today."""
    texts = program.texts(program.default_language)
    word = days_text.split()[0] if days_text.split() else ""
    if not is_digits(word) or not 1 <= int(word) <= MAX_EXTENSION_DAYS:
        return (Reply(texts("staff_extend_format", code=patient.code)),)
    until = local_today(now, program.timezone) + timedelta(days=int(word))
    clinic = program.clinic(patient.clinic_id)
    told = program.texts(patient.language)
    notice = told("patient_extended", clinic=clinic.name, code=patient.code, date=day_month(until))
    return (
        ExtendMonitoring(patient.code, until, staff.name),
        SendSms(patient.phone, notice, "notice", patient.code),
        Reply(texts("staff_extended", code=patient.code, name=patient.full_name, date=day_month(until))),
    )
