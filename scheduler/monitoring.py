"""end-of-monitoring: on day N ask for a rapid test; no answer keeps monitoring to day 10 or 14."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from dialogs import monitoring
from dialogs.alerts import staff_texts
from models import store
from models.scheduled import Outgoing, enqueue
from models.tables import Contact, Patient
from scheduler.context import JobContext, JobReport


def end_of_monitoring(ctx: JobContext, now: datetime) -> JobReport:
    """Ask for the rapid test on the due day; a test asked and not answered moves the end later."""
    report = JobReport("end-of-monitoring")
    if ctx.quiet(now):
        report.skipped = "quiet hours"
        return report
    today = ctx.today(now)
    staff = staff_texts(ctx.program)
    asked = extended = 0
    with Session(ctx.db) as session:
        opted = set(session.exec(select(Contact.phone).where(col(Contact.opted_out))))
        items: list[Outgoing] = []
        for patient in session.exec(select(Patient).where(Patient.status == "active")):
            if patient.monitor_until is None:
                patient.monitor_until = patient.positive_test_date + timedelta(days=ctx.program.monitoring_days)
            view = store.view(patient)
            if patient.test_asked_on is not None and patient.test_asked_on < today and patient.test_result is None:
                patient.monitor_until = monitoring.next_test_day(view, ctx.program, today)
                patient.test_asked_on = None
                extended += 1
                if monitoring.day_of(view, today) >= monitoring.final_day(view):
                    clinic = ctx.program.clinic(patient.clinic_id)
                    note = staff(
                        "no_test_result_staff",
                        code=patient.code,
                        name=patient.full_name,
                        day=monitoring.day_of(view, today),
                    )
                    items += [
                        Outgoing(f"still:{patient.id}:{today}:{s.phone}", s.phone, note, "staff", patient.id)
                        for s in clinic.staff
                    ]
            elif patient.test_asked_on is None and patient.monitor_until <= today and patient.phone not in opted:
                patient.test_asked_on = today
                patient.test_result = None
                texts = ctx.program.texts(patient.language)
                text = texts("test_request", code=f"{patient.code}: ", day=monitoring.day_of(view, today))
                items.append(Outgoing(f"test:{patient.id}:{today}", patient.phone, text, "prompt", patient.id))
                asked += 1
            session.add(patient)
        ids = enqueue(session, items, now)
        session.commit()
    ctx.deliver(ids)
    report.queued = len(ids)
    report.details.update(asked=asked, extended=extended)
    return report
