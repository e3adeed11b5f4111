"""What each staff command does to the patient it names, once `dialogs.staff` has checked who may act.

Every function answers the staff member; the refusals say what to do instead.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

from dialogs import monitoring
from dialogs.effects import AcknowledgeAlerts, CallMade, Effect, Reply, SendSms, SetPatientStatus
from dialogs.program import Program
from dialogs.render import local_now, local_today, national
from dialogs.staff_context import AlertNote, Command, StaffContext
from dialogs.staff_register import welcome
from dialogs.state import PatientView
from dialogs.templates import Texts

PatientAct = Callable[[Command, PatientView, StaffContext, Texts, datetime], tuple[Effect, ...]]


def not_active(patient: PatientView, ctx: StaffContext, texts: Texts) -> tuple[Effect, ...]:
    """The command needs an active patient."""
    status = _status(texts, patient.status)
    return (Reply(texts("staff_not_active", code=patient.code, name=patient.full_name, status=status)),)


def not_pending(patient: PatientView, ctx: StaffContext, texts: Texts) -> tuple[Effect, ...]:
    """The registration was decided already: by whom and when."""
    return (Reply(_already(patient, texts, ctx)),)


def accept(cmd: Command, patient: PatientView, ctx: StaffContext, texts: Texts, now: datetime) -> tuple[Effect, ...]:
    """`DUYET <CODE>`: the patient becomes active and gets the welcome."""
    until = _monitor_until(patient, ctx.program, now)
    return (
        SetPatientStatus(patient.code, "active", ctx.staff.phone, ctx.staff.name, None, until),
        SendSms(patient.phone, welcome(patient, ctx.program), "welcome", patient.code),
        Reply(texts("staff_accepted", code=patient.code, name=patient.full_name, phone=national(patient.phone))),
    )


def reject(cmd: Command, patient: PatientView, ctx: StaffContext, texts: Texts, now: datetime) -> tuple[Effect, ...]:
    """`TUCHOI <CODE> <reason>`: the registrant gets the reason and the clinic phone."""
    if not cmd.rest:
        return (Reply(texts("staff_reject_needs_reason", code=patient.code)),)
    clinic = ctx.program.clinic(ctx.staff.clinic_id)
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


def end(cmd: Command, patient: PatientView, ctx: StaffContext, texts: Texts, now: datetime) -> tuple[Effect, ...]:
    """`XONG <CODE>`: monitoring ends with the closing message."""
    return monitoring.staff_end(patient, ctx.staff, ctx.program)


def extend(cmd: Command, patient: PatientView, ctx: StaffContext, texts: Texts, now: datetime) -> tuple[Effect, ...]:
    """`TIEP <CODE> <days>`: monitoring goes on that many days from today."""
    return monitoring.staff_extend(patient, cmd.rest, ctx.staff, ctx.program, now)


def after_ack(act: PatientAct, word: str) -> PatientAct:
    """`act` once every red alert of the patient is acknowledged; before that, say which alert waits."""

    def checked(
        cmd: Command, patient: PatientView, ctx: StaffContext, texts: Texts, now: datetime
    ) -> tuple[Effect, ...]:
        alert = ctx.open_alert
        if alert is None and ctx.open_alerts == 0:
            return act(cmd, patient, ctx, texts, now)
        reason = " ".join(alert.reason.split())[:60] if alert else ""
        when = _when(alert.raised_at, ctx) if alert else ""
        reply = texts(
            "staff_alert_first", code=patient.code, name=patient.full_name, reason=reason, when=when, command=word
        )
        return (Reply(reply),)

    return checked


def acknowledge(
    cmd: Command, patient: PatientView, ctx: StaffContext, texts: Texts, now: datetime
) -> tuple[Effect, ...]:
    """`OK <CODE>`: the open alerts are seen; the patient is told who saw them."""
    if ctx.open_alerts == 0:
        return (Reply(_nothing_open(patient, ctx.last_acked, ctx, texts)),)
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


def called(cmd: Command, patient: PatientView, ctx: StaffContext, texts: Texts, now: datetime) -> tuple[Effect, ...]:
    """`DAGOI <CODE>`: staff phoned a patient SMS could not reach; the digest stops listing them."""
    if not ctx.call_needed:
        return (Reply(texts("staff_call_not_needed", code=patient.code, name=patient.full_name)),)
    reply = Reply(texts("staff_called", code=patient.code, name=patient.full_name))
    return (CallMade(patient.code, ctx.staff.name), reply)


def _nothing_open(patient: PatientView, acked: AlertNote | None, ctx: StaffContext, texts: Texts) -> str:
    """No open alert: who answered the last one and when, or that there was none."""
    if acked is None or acked.acknowledged_at is None:
        return texts("staff_no_alerts", code=patient.code, name=patient.full_name)
    by, when = acked.acknowledged_by or "?", _when(acked.acknowledged_at, ctx)
    return texts("staff_already_acked", code=patient.code, name=patient.full_name, by=by, when=when)


def _monitor_until(patient: PatientView, program: Program, now: datetime) -> date:
    start = patient.positive_test_date or local_today(now, program.timezone)
    return start + timedelta(days=program.monitoring_days)


def _status(texts: Texts, status: str) -> str:
    key = "status_" + status
    return texts.raw(key) if key in texts else status


def _when(moment: datetime, ctx: StaffContext) -> str:
    """'14:05 03/12' in the service's timezone."""
    return local_now(moment, ctx.program.timezone).strftime("%H:%M %d/%m")


def _already(patient: PatientView, texts: Texts, ctx: StaffContext) -> str:
    if patient.decided_at is None:
        return texts(
            "staff_not_pending", code=patient.code, name=patient.full_name, status=_status(texts, patient.status)
        )
    when = _when(patient.decided_at, ctx)
    return texts(
        "staff_already_done",
        code=patient.code,
        name=patient.full_name,
        by=patient.decided_by,
        status=_status(texts, patient.status),
        when=when,
    )
