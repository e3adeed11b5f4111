"""morning-prompts and reminder: the day's questions to every active patient, and a nudge."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from itertools import groupby
from typing import cast

from sqlalchemy import Engine, Row, Select, and_, exists, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from dialogs.render import dm
from dialogs.templates import Texts
from dialogs.text import segments
from models.db import reading
from models.scheduled import Outgoing, claim_keys, enqueue
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


RecipientQuery = Select[int | None, str, str, str, str, str]  # id, code, name, phone, language, contact's
PAGE = 5_000  # patients read per query: the job's memory does not grow with the cohort


def recipients(engine: Engine, day: date, only_missing: bool, page: int = PAGE) -> Iterator[list[Recipient]]:
    """Active, not opted-out patients grouped by phone; `only_missing`: no complete declaration on `day`.

    Read in pages of `page` patients by phone (keyset: phone > the last whole household), each page
    its own short read transaction: memory stays flat from 1,000 to 1,000,000 patients, and on
    SQLite no read snapshot is held open while the job writes.
    """
    after = ""
    while True:
        with reading(engine) as conn:
            rows = [_recipient(row) for row in conn.execute(_recipients_query(day, only_missing, after, page))]
            full = len(rows) == page
            if full and rows[0].phone == rows[-1].phone:  # one phone fills the page: read that phone whole
                whole = _recipients_query(day, only_missing, after, None).where(col(Patient.phone) == rows[0].phone)
                rows = [_recipient(row) for row in conn.execute(whole)]
        groups = [list(group) for _phone, group in groupby(rows, key=lambda r: r.phone)]
        if full and len(groups) > 1:
            groups.pop()  # the last household may go on in the next page: it is read again there
        yield from groups
        if not full:
            return
        after = groups[-1][0].phone


def _recipient(row: Row[int | None, str, str, str, str, str]) -> Recipient:
    language = row[5] or row[4]  # the contact's language, else the patient's
    return Recipient(cast(int, row[0]), row[1], row[2], row[3], language)


def _recipients_query(day: date, only_missing: bool, after: str, limit: int | None) -> RecipientQuery:
    query = (
        sa_select(
            col(Patient.id),
            col(Patient.code),
            col(Patient.full_name),
            col(Patient.phone),
            col(Patient.language),
            col(Contact.language),
        )
        # `contact.phone > after` too: PostgreSQL's merge join then starts its contact scan at the page
        .outerjoin(Contact, and_(col(Contact.phone) == col(Patient.phone), col(Contact.phone) > after))
        .where(
            col(Patient.phone) > after,
            col(Patient.status) == "active",
            or_(col(Contact.opted_out).is_(None), col(Contact.opted_out).is_(False)),
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
    if limit is not None:
        query = query.limit(limit)
    return query


def household_text(people: list[Recipient], day: date, texts: Texts) -> str:
    """One message for a shared phone, or per-patient prompts, whichever costs fewer segments."""
    listed = ", ".join(f"{p.code} {p.name.split()[-1]}" for p in people)
    return texts("household_prompt", date=dm(day), example=people[0].code, people=listed)


KeyOf = Callable[[Recipient], str]


@lru_cache(maxsize=64)
def _prompt(texts: Texts, day: date) -> str:
    """The prompt to a phone of one patient: the same text for every such phone of a language."""
    return texts("daily_prompt", code="", date=dm(day))


def prompt_messages(people: list[Recipient], day: date, key_of: KeyOf, ctx: JobContext) -> list[Outgoing]:
    """One prompt per patient, or one shared message for a household when that costs fewer segments."""
    texts = ctx.program.texts(people[0].language)
    phone = people[0].phone
    if len(people) == 1:
        text = _prompt(texts, day)
        key = key_of(people[0])
        return [Outgoing(key, phone, text, "prompt", people[0].patient_id, (key,))]
    each = [texts("daily_prompt", code=f"{p.code}: ", date=dm(day)) for p in people]
    shared = household_text(people, day, texts)
    keys = tuple(key_of(p) for p in people)
    if segments(shared) < sum(segments(t) for t in each):
        return [Outgoing(keys[0], phone, shared, "prompt", None, keys)]
    return [
        Outgoing(key, phone, text, "prompt", p.patient_id, (key,))
        for p, text, key in zip(people, each, keys, strict=True)
    ]


def reminder_messages(people: list[Recipient], day: date, key_of: KeyOf, ctx: JobContext) -> list[Outgoing]:
    texts = ctx.program.texts(people[0].language)
    codes = " ".join(p.code for p in people) + ": " if len(people) > 1 else ""
    text = texts("reminder", code=codes, date=dm(day), deadline=ctx.schedule.deadline)
    pid = people[0].patient_id if len(people) == 1 else None
    keys = tuple(key_of(p) for p in people)
    return [Outgoing(keys[0], people[0].phone, text, "reminder", pid, keys)]


def morning_prompts(ctx: JobContext, now: datetime, slot: str | None = None) -> JobReport:
    """The day's questions to every active, not opted-out patient (one key per phone and check-in)."""
    report = JobReport("morning-prompts")
    if ctx.quiet(now):
        report.skipped = "quiet hours"
        return report
    day = ctx.today(now)
    slot = slot or ctx.schedule.checkins[0]

    def key_of(p: Recipient) -> str:
        return f"prompt:{day}:{slot}:{p.patient_id}"

    report.queued = _fan_out(ctx, now, day, False, key_of, lambda people: prompt_messages(people, day, key_of, ctx))
    return report


def reminder(ctx: JobContext, now: datetime) -> JobReport:
    """A nudge to patients with no complete declaration today."""
    report = JobReport("reminder")
    if ctx.quiet(now):
        report.skipped = "quiet hours"
        return report
    day = ctx.today(now)

    def key_of(p: Recipient) -> str:
        return f"reminder:{day}:{p.patient_id}"

    report.queued = _fan_out(ctx, now, day, True, key_of, lambda people: reminder_messages(people, day, key_of, ctx))
    return report


def _fan_out(
    ctx: JobContext,
    now: datetime,
    day: date,
    only_missing: bool,
    key_of: KeyOf,
    build: Callable[[list[Recipient]], list[Outgoing]],
) -> int:
    """Queue in batches, each its own transaction; per-patient keys make a re-run send only the rest."""
    queued = size = 0
    batch: list[list[Recipient]] = []
    for people in recipients(ctx.db, day, only_missing):
        batch.append(people)
        size += len(people)
        if size >= BATCH:
            queued += _commit(ctx, batch, key_of, build, now)
            batch, size = [], 0
    return queued + _commit(ctx, batch, key_of, build, now)


def _commit(
    ctx: JobContext,
    batch: list[list[Recipient]],
    key_of: KeyOf,
    build: Callable[[list[Recipient]], list[Outgoing]],
    now: datetime,
) -> int:
    if not batch:
        return 0
    ready = [build(people) for people in batch]  # before the transaction: SQLite has one writer
    with Session(ctx.db) as session:
        fresh = claim_keys(session, [key_of(p) for people in batch for p in people], now)
        items: list[Outgoing] = []
        for people, messages in zip(batch, ready, strict=True):
            due = [p for p in people if key_of(p) in fresh]
            if len(due) == len(people):
                items += messages
            elif due:  # part of a household was prompted already (a patient added since)
                items += build(due)
        ids = enqueue(session, items, now)
        session.commit()
    ctx.deliver(ids)
    return len(ids)
