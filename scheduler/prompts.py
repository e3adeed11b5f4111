"""morning-prompts and reminder: the day's questions to every active patient, and a nudge."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from itertools import groupby

from sqlalchemy import and_, exists, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from dialogs.render import dm
from dialogs.templates import Texts
from dialogs.text import segments
from models.scheduled import Outgoing, enqueue
from models.tables import Contact, Declaration, Patient
from scheduler.context import JobContext, JobReport

BATCH = 500  # phones per transaction: a crash loses at most one uncommitted batch


@dataclass(frozen=True)
class Recipient:
    patient_id: int
    code: str
    name: str
    phone: str
    language: str


def recipients(session: Session, day: date, only_missing: bool) -> Iterator[list[Recipient]]:
    """Active, not opted-out patients grouped by phone; `only_missing`: no complete declaration on `day`."""
    query = (
        sa_select(
            col(Patient.id),
            col(Patient.code),
            col(Patient.full_name),
            col(Patient.phone),
            col(Patient.language),
            col(Contact.language),
        )
        .outerjoin(Contact, col(Contact.phone) == col(Patient.phone))
        .where(
            col(Patient.status) == "active", or_(col(Contact.opted_out).is_(None), col(Contact.opted_out).is_(False))
        )
        .order_by(col(Patient.phone), col(Patient.id))
    )
    if only_missing:
        declared = exists().where(
            and_(
                col(Declaration.patient_id) == col(Patient.id),
                col(Declaration.local_date) == day,
                col(Declaration.complete),
            )
        )
        query = query.where(~declared)
    rows = (
        Recipient(pid, code, name, phone, lang or own) for pid, code, name, phone, own, lang in session.execute(query)
    )
    for _phone, group in groupby(rows, key=lambda r: r.phone):
        yield list(group)


def household_text(people: list[Recipient], day: date, texts: Texts) -> str:
    """One message for a shared phone, or per-patient prompts, whichever costs fewer segments."""
    listed = ", ".join(f"{p.code} {p.name.split()[-1]}" for p in people)
    return texts("household_prompt", date=dm(day), example=people[0].code, people=listed)


def prompt_messages(people: list[Recipient], day: date, slot: str, ctx: JobContext) -> list[Outgoing]:
    texts = Texts(people[0].language, ctx.program.sms_ascii)
    if len(people) == 1:
        text = texts("daily_prompt", code="", date=dm(day))
        return [
            Outgoing(f"prompt:{day}:{slot}:{people[0].phone}", people[0].phone, text, "prompt", people[0].patient_id)
        ]
    each = [texts("daily_prompt", code=f"{p.code}: ", date=dm(day)) for p in people]
    shared = household_text(people, day, texts)
    phone = people[0].phone
    if segments(shared) < sum(segments(t) for t in each):
        return [Outgoing(f"prompt:{day}:{slot}:{phone}", phone, shared, "prompt")]
    return [
        Outgoing(f"prompt:{day}:{slot}:{phone}:{p.code}", phone, t, "prompt", p.patient_id)
        for p, t in zip(people, each, strict=True)
    ]


def reminder_messages(people: list[Recipient], day: date, ctx: JobContext) -> list[Outgoing]:
    texts = Texts(people[0].language, ctx.program.sms_ascii)
    codes = " ".join(p.code for p in people) + ": " if len(people) > 1 else ""
    text = texts("reminder", code=codes, date=dm(day), deadline=ctx.schedule.deadline)
    pid = people[0].patient_id if len(people) == 1 else None
    return [Outgoing(f"reminder:{day}:{people[0].phone}", people[0].phone, text, "reminder", pid)]


def morning_prompts(ctx: JobContext, now: datetime, slot: str | None = None) -> JobReport:
    """The day's questions to every active, not opted-out patient (one key per phone and check-in)."""
    report = JobReport("morning-prompts")
    if ctx.quiet(now):
        report.skipped = "quiet hours"
        return report
    day = ctx.today(now)
    slot = slot or ctx.schedule.checkins[0]
    report.queued = _fan_out(ctx, now, day, False, lambda people: prompt_messages(people, day, slot, ctx))
    return report


def reminder(ctx: JobContext, now: datetime) -> JobReport:
    """A nudge to patients with no complete declaration today."""
    report = JobReport("reminder")
    if ctx.quiet(now):
        report.skipped = "quiet hours"
        return report
    day = ctx.today(now)
    report.queued = _fan_out(ctx, now, day, True, lambda people: reminder_messages(people, day, ctx))
    return report


def _fan_out(
    ctx: JobContext, now: datetime, day: date, only_missing: bool, build: Callable[[list[Recipient]], list[Outgoing]]
) -> int:
    """Queue in batches, each its own transaction; keys make a re-run after a crash send only the rest."""
    with Session(ctx.db) as reader:  # read first: SQLite has one writer at a time
        households = list(recipients(reader, day, only_missing))
    queued = 0
    batch: list[Outgoing] = []
    for people in households:
        batch += build(people)
        if len(batch) >= BATCH:
            queued += _commit(ctx, batch, now)
            batch = []
    return queued + _commit(ctx, batch, now)


def _commit(ctx: JobContext, batch: list[Outgoing], now: datetime) -> int:
    if not batch:
        return 0
    with Session(ctx.db) as session:
        ids = enqueue(session, batch, now)
        session.commit()
    ctx.deliver(ids)
    return len(ids)
