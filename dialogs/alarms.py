"""Operator alarms, decided without I/O: what the outbox looks like now in, incidents to open or close out.

Two kinds of incident: outbound sending has been failing for `failure_minutes` (failures and no
successful send since they began), or the oldest queued message is older than `lag_minutes`.
Each incident is announced once when it opens and once when it clears; the host keeps the open
incidents and sends the texts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

SENDING = "sending"
LAG = "lag"
# One recipient's problem (bad, unreachable or opted-out number), not the provider's: no alarm.
PER_NUMBER_ERRORS = frozenset({21211, 21214, 21408, 21610, 21612, 21614, 30003, 30004, 30005, 30006, 30007})

TEXTS = {
    "vi": {
        (SENDING, "open"): "{service}: CANH BAO gui SMS bi loi tu {since} ({minutes} phut). "
        "Kiem tra tai khoan Twilio va `f0care outbox --failed`.",
        (LAG, "open"): "{service}: CANH BAO tin nhan cho gui qua {minutes} phut (tu {since}). "
        "Kiem tra cac tien trinh `f0care worker`.",
        (SENDING, "clear"): "{service}: Gui SMS da binh thuong lai luc {until} (loi tu {since}).",
        (LAG, "clear"): "{service}: Hang doi tin nhan da binh thuong lai luc {until} (cham tu {since}).",
    },
    "en": {
        (SENDING, "open"): "{service}: ALARM outbound SMS failing since {since} ({minutes} min). "
        "Check the Twilio account and `f0care outbox --failed`.",
        (LAG, "open"): "{service}: ALARM messages waiting over {minutes} min in the outbox (since {since}). "
        "Check the `f0care worker` processes.",
        (SENDING, "clear"): "{service}: outbound SMS back to normal at {until} (failing since {since}).",
        (LAG, "clear"): "{service}: outbox back to normal at {until} (lagging since {since}).",
    },
}


@dataclass(frozen=True)
class Failure:
    """An outbound message whose last attempt failed."""

    created_at: datetime
    error_code: int | None


@dataclass(frozen=True)
class Observation:
    oldest_queued_at: datetime | None  # the oldest message waiting in the outbox
    last_sent_at: datetime | None  # the latest message a provider accepted
    failures: tuple[Failure, ...] = ()  # messages created after last_sent_at whose sending failed


@dataclass(frozen=True)
class Thresholds:
    failure_minutes: int = 10
    lag_minutes: int = 15


@dataclass(frozen=True)
class Wording:
    service: str
    timezone: str
    language: str = "vi"


@dataclass(frozen=True)
class OpenIncident:
    """Open an incident of `kind` (the trouble began at `since`) and send `text`."""

    kind: str
    since: datetime
    text: str


@dataclass(frozen=True)
class CloseIncident:
    """Close the open incident of `kind` and send `text`."""

    kind: str
    text: str


AlarmEffect = OpenIncident | CloseIncident


def troubles(seen: Observation, limits: Thresholds, now: datetime) -> dict[str, datetime]:
    """Each kind of trouble going on now, with when it began (whether or not past its threshold)."""
    found: dict[str, datetime] = {}
    provider_failures = [f.created_at for f in seen.failures if f.error_code not in PER_NUMBER_ERRORS]
    if provider_failures:
        found[SENDING] = min(provider_failures)
    if seen.oldest_queued_at is not None and now - seen.oldest_queued_at > timedelta(minutes=limits.lag_minutes):
        found[LAG] = seen.oldest_queued_at
    return found


def decide(
    seen: Observation, open_since: Mapping[str, datetime], limits: Thresholds, now: datetime, wording: Wording
) -> tuple[AlarmEffect, ...]:
    """Incidents to open (trouble past its threshold, none open) and to close (open, trouble gone)."""
    going_on = troubles(seen, limits, now)
    minutes = {SENDING: limits.failure_minutes, LAG: limits.lag_minutes}
    effects: list[AlarmEffect] = []
    for kind in (SENDING, LAG):
        began = going_on.get(kind)
        if kind in open_since and began is None:
            effects.append(CloseIncident(kind, _text(wording, kind, "clear", open_since[kind], now, minutes[kind])))
        elif kind not in open_since and began is not None and now - began >= timedelta(minutes=minutes[kind]):
            effects.append(OpenIncident(kind, began, _text(wording, kind, "open", began, now, minutes[kind])))
    return tuple(effects)


def _text(wording: Wording, kind: str, phase: str, since: datetime, now: datetime, minutes: int) -> str:
    zone = ZoneInfo(wording.timezone)
    texts = TEXTS.get(wording.language, TEXTS["vi"])
    if phase == "open":
        minutes = int((now - since).total_seconds() // 60)
    return texts[(kind, phase)].format(
        service=wording.service,
        since=f"{since.astimezone(zone):%H:%M %d/%m}",
        until=f"{now.astimezone(zone):%H:%M %d/%m}",
        minutes=minutes,
    )
