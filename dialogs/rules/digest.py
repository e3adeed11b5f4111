"""The deadline digest: each clinic's day in at most three messages to its staff."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from dialogs.alerts import staff_texts
from dialogs.phones import mask_phone
from dialogs.program import Clinic, Program
from dialogs.render import day_month
from dialogs.rules.rows import ClinicDay, ClinicPatient
from dialogs.rules.settings import RuleSettings
from dialogs.state import PatientView

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
    call_needed: list[str] = field(default_factory=list)  # SMS do not reach them: phone them
    silent_two_days: list[ClinicPatient] = field(default_factory=list)


def label(patient: PatientView) -> str:
    """'K7M2Q NVA 0912***678': code, initials, masked phone."""
    initials = "".join(word[0] for word in patient.full_name.split() if word).upper()
    return f"{patient.code} {initials} {mask_phone(patient.phone)}"


def asked_on(day: date, settings: RuleSettings) -> datetime:
    """When the morning prompt went out on `day`."""
    hours, minutes = settings.morning_prompt.split(":")
    local = datetime(day.year, day.month, day.day, int(hours), int(minutes))
    return local.replace(tzinfo=ZoneInfo(settings.program.timezone))


def summarize(rows: ClinicDay, settings: RuleSettings) -> Digest:
    """The day's picture of one clinic: who declared, who did not, who went silent two days."""
    day = rows.day
    digest = Digest(rows.clinic, day, total=len(rows.patients))
    yesterday = day - timedelta(days=1)
    asked_yesterday = asked_on(yesterday, settings)
    for row in rows.patients:
        patient = row.patient
        level = rows.declared.get((row.patient_id, day))
        if level is None:
            digest.missing.append(label(patient))
            active_since = patient.decided_at or row.created_at
            silent = (row.patient_id, yesterday) not in rows.declared and active_since <= asked_yesterday
            if silent and not row.opted_out:  # opted out: listed below, not chased
                digest.silent_two_days.append(row)
        else:
            digest.reported += 1
            if level == "yellow":
                digest.yellow.append(label(patient))
        if row.opted_out:
            digest.opted_out.append(label(patient))
        if row.call_needed:
            digest.call_needed.append(label(patient))
    digest.red = sorted({label(r.patient) for r in rows.patients if r.patient_id in rows.alerted})
    by_phone = {r.patient.phone: r.patient for r in rows.patients}
    digest.failed = sorted({label(by_phone[phone]) for phone in rows.undelivered if phone in by_phone})
    return digest


def render(digest: Digest, program: Program) -> list[str]:
    """The digest as at most MAX_PARTS messages of at most two segments each."""
    texts = staff_texts(program)
    chunks = [
        texts(
            "digest_head",
            clinic=digest.clinic.name,
            date=day_month(digest.day),
            reported=digest.reported,
            total=digest.total,
        )
    ]
    sections = (
        ("digest_red", digest.red),
        ("digest_call", digest.call_needed),
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
    """Fill messages of MAX_SMS characters in order; past MAX_PARTS, say how many items were left out."""
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
