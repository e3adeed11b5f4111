"""The abuse budgets the dialogs and the service keep: who may be sent codes, how many, how often.

Plain frozen values, built from `registration:`, `alerts:` and `limits:` of config.yaml.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class RegistrationBudget:
    """One-time codes: to mobiles of these countries only, and so many a day, per hour."""

    allowed_countries: tuple[str, ...] = ("VN",)
    max_other_numbers_per_day: int = 3  # numbers other than its own a registering phone may have codes sent to
    max_codes_per_hour: int = 200  # every code of the service: beyond it, "call the station"


@dataclass(frozen=True)
class InboundLimits:
    """Inbound messages: per phone in a sliding window, and for the whole service per minute."""

    per_phone_messages: int = 30
    per_phone_minutes: int = 10
    per_minute: int = 6000


@dataclass(frozen=True)
class Budgets:
    registration: RegistrationBudget = field(default_factory=RegistrationBudget)
    alert_repeat_minutes: int = 10  # staff get at most one follow-up SMS per patient in this time
    inbound: InboundLimits = field(default_factory=InboundLimits)


@dataclass(frozen=True)
class CodeUsage:
    """What the host counted before a one-time code is sent (under a lock, so the counts hold)."""

    to_target_today: int = 0  # codes the target number received today
    other_numbers_today: tuple[str, ...] = ()  # numbers other than itself the registrant had codes sent to today
    service_last_hour: int = 0  # codes of the whole service in the last hour
    supervisors_told: bool = False  # the hourly budget was reported to the supervisors this hour
