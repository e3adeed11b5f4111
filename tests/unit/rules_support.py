"""Rows and settings for the scheduled-rule tests: no database, a fixed `now`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from dialogs.program import Program
from dialogs.rules.settings import RuleSettings

ONCALL = "+84912000099"


def local(day: int, hhmm: str) -> datetime:
    """A local (UTC+7) time in November 2026, as an aware UTC datetime."""
    hours, minutes = map(int, hhmm.split(":"))
    return datetime(2026, 11, day, hours, minutes, tzinfo=UTC) - timedelta(hours=7)


def settings(program: Program, **more: object) -> RuleSettings:
    values: dict[str, object] = {"oncall": (ONCALL,), **more}
    return RuleSettings(program, **values)  # type: ignore[arg-type]
