"""ack-watch and pending-watch: what nobody answered climbs until somebody does."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from dialogs.alerts import staff_texts
from dialogs.program import Role
from dialogs.render import national
from models.scheduled import Outgoing, enqueue
from models.tables import Alert, Patient
from scheduler.context import JobContext, JobReport

LAST_STEP = 2  # 1: the clinic's staff and supervisors again; 2: the province on-call list


def ack_watch(ctx: JobContext, now: datetime) -> JobReport:
    """Red alerts not acknowledged in time go again to the clinic, then to on-call; once per step."""
    report = JobReport("ack-watch")
    timeout = timedelta(minutes=ctx.schedule.ack_timeout_minutes)
    texts = staff_texts(ctx.program)
    with Session(ctx.db) as session:
        query = (
            select(Alert, Patient)
            .join(Patient, col(Patient.id) == col(Alert.patient_id))
            .where(
                col(Alert.acknowledged_at).is_(None),
                col(Alert.escalation_step) < LAST_STEP,
                col(Patient.status).in_(("pending", "active")),
            )
        )
        due = [
            (alert, patient)
            for alert, patient in session.exec(query)
            if (alert.last_escalated_at or alert.created_at) + timeout <= now
        ]
        items: list[Outgoing] = []
        for alert, patient in due:
            step = alert.escalation_step + 1
            clinic = ctx.program.clinic(patient.clinic_id)
            values = dict(code=patient.code, name=patient.full_name, phone=national(patient.phone), reason=alert.reason)
            if step == 1:
                text = texts("escalation_staff", minutes=ctx.schedule.ack_timeout_minutes, **values)
                phones = [s.phone for s in clinic.staff]
            else:
                text = texts("escalation_oncall", clinic=clinic.name, **values)
                phones = [o.phone for o in ctx.oncall]
            moved = session.execute(
                update(Alert)
                .where(
                    col(Alert.id) == alert.id,
                    col(Alert.escalation_step) == alert.escalation_step,
                    col(Alert.acknowledged_at).is_(None),  # an OK that just arrived stops it here
                )
                .values(escalation_step=step, last_escalated_at=now)
            )
            if getattr(moved, "rowcount", 1):
                items += [
                    Outgoing(f"ack:{alert.id}:{step}:{phone}", phone, text, "alert", patient.id) for phone in phones
                ]
        ids = enqueue(session, items, now)
        session.commit()
    ctx.deliver(ids)
    report.queued = len(ids)
    report.details["escalated"] = len(due)
    return report


def pending_watch(ctx: JobContext, now: datetime) -> JobReport:
    """Registrations waiting too long for DUYET: to the clinic's staff, later to its supervisors."""
    report = JobReport("pending-watch")
    if ctx.quiet(now):
        report.skipped = "quiet hours"
        return report
    wait = timedelta(hours=ctx.schedule.accept_within_hours)
    texts = staff_texts(ctx.program)
    with Session(ctx.db) as session:
        query = select(Patient).where(Patient.status == "pending", col(Patient.created_at) <= now - wait)
        waiting = list(session.exec(query))
        items: list[Outgoing] = []
        for patient in waiting:
            clinic = ctx.program.clinic(patient.clinic_id)
            hours = int((now - patient.created_at).total_seconds() // 3600)
            text = texts(
                "pending_again",
                code=patient.code,
                name=patient.full_name,
                area=patient.area,
                phone=national(patient.phone),
                hours=hours,
            )
            targets = [(1, s.phone) for s in clinic.staff]
            if patient.created_at <= now - 2 * wait:
                targets += [(2, s.phone) for s in clinic.staff if s.role is Role.SUPERVISOR]
            items += [
                Outgoing(f"pending:{patient.id}:{step}:{phone}", phone, text, "staff", patient.id)
                for step, phone in targets
            ]
        ids = enqueue(session, items, now)
        session.commit()
    ctx.deliver(ids)
    report.queued = len(ids)
    return report
