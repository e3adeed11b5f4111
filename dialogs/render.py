"""Small formatting helpers shared by the dialogs: phones, ages, risks, dates."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from dialogs.state import PatientView

RISK_LABELS: dict[str, dict[str, str]] = {
    "chronic": {"vi": "bệnh mãn tính", "en": "chronic disease"},
    "pregnant": {"vi": "có thai", "en": "pregnant"},
    "unvaccinated": {"vi": "chưa tiêm đủ", "en": "not fully vaccinated"},
    "age_50": {"vi": "từ 50 tuổi", "en": "aged 50+"},
    "age_1": {"vi": "dưới 1 tuổi", "en": "under 1"},
    "none": {"vi": "không", "en": "none"},
}
RISK_MENU = {"1": "chronic", "2": "pregnant", "3": "unvaccinated"}
# Patient codes: 5 characters, a letter first, no 0/O/1/I (read aloud over the phone).
CODE_FIRST = "ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_REST = CODE_FIRST + "23456789"


def is_code(word: str) -> bool:
    """Whether `word` (normalised) has the shape of a patient code."""
    return len(word) == 5 and word[0] in CODE_FIRST and all(ch in CODE_REST for ch in word[1:])


def local_now(now: datetime, timezone: str) -> datetime:
    return now.astimezone(ZoneInfo(timezone))


def local_today(now: datetime, timezone: str) -> date:
    return local_now(now, timezone).date()


def day_month(day: date) -> str:
    return f"{day.day:02d}/{day.month:02d}"


def national(e164: str) -> str:
    """+84912345678 -> 0912345678, so staff can dial it; other numbers unchanged."""
    return "0" + e164[3:] if e164.startswith("+84") else e164


def whole_age(patient: PatientView, today: date) -> int:
    return max(0, int(patient.age(today)))


def risks(patient: PatientView, today: date, language: str) -> str:
    """The patient's risk factors for staff, age-based ones included."""
    keys = list(patient.risk_factors)
    age = patient.age(today)
    if age >= 50:
        keys.append("age_50")
    elif age < 1:
        keys.append("age_1")
    keys = keys or ["none"]
    return ", ".join(RISK_LABELS[k].get(language, RISK_LABELS[k]["vi"]) for k in keys if k in RISK_LABELS)


def options(patients: tuple[PatientView, ...]) -> str:
    """'1) Nguyen Van An K7M2Q 2) ...' for a "for whom?" question."""
    return " ".join(f"{i}) {p.full_name} {p.code}" for i, p in enumerate(patients, start=1))
