"""deadline: each clinic's 10:00 digest to its staff, and red "not reporting" alerts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from dialogs.alerts import red_alert, staff_texts
from dialogs.phones import mask_phone
from dialogs.program import Clinic
from dialogs.render import dm
from models import store
from models.apply import apply_effects
from models.scheduled import Outgoing, enqueue
from models.tables import Alert, Contact, Declaration, Message, Patient
from scheduler.context import JobContext, JobReport

MAX_SMS = 306  # two GSM-7 segments
MAX_PARTS = 3  # longer digests are cut, with a pointer to `f0care report`


@dataclass
class Digest:
    clinic: Clinic
    day: date
    total: int = 0
    reported: int = 0
    missing: list[str] = field(default_factory=list)
    yellow: list[str] = field(default_factory=list)
    red: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    opted_out: list[str] = field(default_factory=list)
    silent_two_days: list[Patient] = field(default_factory=list)
    last_declared: dict[int, date] = field(default_factory=dict)  # of the silent ones


def label(patient: Patient) -> str:
    """'K7M2Q NVA 0912***678': code, initials, masked phone."""
    initials = "".join(word[0] for word in patient.full_name.split() if word).upper()
    return f"{patient.code} {initials} {mask_phone(patient.phone)}"


def collect(session: Session, clinic: Clinic, day: date, ctx: JobContext) -> Digest:
    """The day's picture of one clinic, as of the deadline."""
    digest = Digest(clinic, day)
    patients = list(session.exec(select(Patient).where(Patient.clinic_id == clinic.id, Patient.status == "active")))
    by_id = {p.id: p for p in patients}
    digest.total = len(patients)
    yesterday = day - timedelta(days=1)
    latest: dict[tuple[int, date], Declaration] = {}
    declarations = select(Declaration).where(
        col(Declaration.patient_id).in_(list(by_id)), col(Declaration.local_date) >= yesterday
    )
    for row in session.exec(declarations.order_by(col(Declaration.started_at))):
        if row.complete:
            latest[(row.patient_id, row.local_date)] = row
    asked_yesterday = ctx.at(yesterday, ctx.schedule.morning_prompt)
    opted = set(session.exec(select(Contact.phone).where(col(Contact.opted_out))))
    for patient in patients:
        assert patient.id is not None
        today_row = latest.get((patient.id, day))
        if today_row is None:
            digest.missing.append(label(patient))
            active_since = patient.decided_at or patient.created_at
            silent = (patient.id, yesterday) not in latest and active_since <= asked_yesterday
            if silent and patient.phone not in opted:  # opted out: listed below, not chased
                digest.silent_two_days.append(patient)
        else:
            digest.reported += 1
            if today_row.level == "yellow":
                digest.yellow.append(label(patient))
        if patient.phone in opted:
            digest.opted_out.append(label(patient))
    silent_ids = [p.id for p in digest.silent_two_days]
    if silent_ids:
        last = (
            select(Declaration.patient_id, func.max(Declaration.local_date))
            .where(col(Declaration.patient_id).in_(silent_ids), col(Declaration.complete))
            .group_by(col(Declaration.patient_id))
        )
        digest.last_declared = {pid: day for pid, day in session.exec(last)}
    open_red = select(Alert).where(Alert.clinic_id == clinic.id, col(Alert.acknowledged_at).is_(None))
    for alert in session.exec(open_red):
        owner = by_id.get(alert.patient_id)
        if owner is not None:
            digest.red.append(label(owner))
    digest.red = sorted(set(digest.red))
    start, end = ctx.day_bounds(day)
    phones = {p.phone: p for p in patients}
    undelivered = select(Message.phone).where(
        Message.direction == "out",
        col(Message.status).in_(("failed", "undelivered")),
        col(Message.created_at) >= start,
        col(Message.created_at) < end,
        col(Message.phone).in_(list(phones)),
    )
    digest.failed = sorted({label(phones[phone]) for phone in session.exec(undelivered)})
    return digest


def render(digest: Digest, ctx: JobContext) -> list[str]:
    """The digest as at most MAX_PARTS messages of at most two segments each."""
    texts = staff_texts(ctx.program)
    chunks = [
        texts(
            "digest_head", clinic=digest.clinic.name, date=dm(digest.day), reported=digest.reported, total=digest.total
        )
    ]
    sections = (
        ("digest_red", digest.red),
        ("digest_missing", digest.missing),
        ("digest_yellow", digest.yellow),
        ("digest_failed", digest.failed),
        ("digest_opted_out", digest.opted_out),
    )
    for key, items in sections:
        if items:
            chunks.append(texts(key, n=len(items)).rstrip() + " " + items[0])
            chunks += [", " + item for item in items[1:]]
    return pack(chunks, texts("digest_more", n=0))


def pack(chunks: list[str], more_template: str) -> list[str]:
    parts: list[str] = [""]
    for index, chunk in enumerate(chunks):
        if len(parts[-1]) + len(chunk) <= MAX_SMS:
            parts[-1] += chunk
            continue
        if len(parts) == MAX_PARTS:
            left = len(chunks) - index
            more = more_template.replace(" 0 ", f" {left} ", 1)
            while len(parts[-1]) + len(more) > MAX_SMS:
                parts[-1] = parts[-1].rsplit(",", 1)[0]
            parts[-1] += more
            return parts
        parts.append(chunk.lstrip(", "))
    return parts


def deadline(ctx: JobContext, now: datetime) -> JobReport:
    """At the deadline: every clinic's staff get the digest; two silent days raise a red alert."""
    report = JobReport("deadline")
    day = ctx.today(now)
    for clinic in ctx.program.clinics:
        with Session(ctx.db) as session:
            digest = collect(session, clinic, day, ctx)
        report.details["not_reporting"] = report.details.get("not_reporting", 0) + _silent(ctx, digest, now)
        if digest.total == 0 and not digest.red:
            continue  # nothing to say: every SMS costs the province money
        items = [
            Outgoing(f"digest:{day}:{clinic.id}:{staff.phone}:{n}", staff.phone, text, "digest")
            for n, text in enumerate(render(digest, ctx))
            for staff in clinic.staff
        ]
        with Session(ctx.db) as session:
            ids = enqueue(session, items, now)
            session.commit()
        ctx.deliver(ids)
        report.queued += len(ids)
    return report


def _silent(ctx: JobContext, digest: Digest, now: datetime) -> int:
    """A red alert, once per patient and day, for two days without a declaration."""
    raised = 0
    reason = staff_texts(ctx.program).raw("not_reporting_reason")
    for patient in digest.silent_two_days:
        assert patient.id is not None
        # One alert per silent stretch: the key names the last day the patient declared.
        since = digest.last_declared.get(patient.id, "never")
        key = f"silent:{patient.id}:{since}"
        effects = red_alert(store.view(patient), reason, ctx.program, now, "not_reporting", key)
        with Session(ctx.db, expire_on_commit=False) as session:
            try:
                applied = apply_effects(session, effects, now, None, [patient])
                session.commit()
            except IntegrityError:  # raised already (a second run, a second scheduler)
                continue
        ctx.deliver(applied.queued)
        raised += 1
    return raised
