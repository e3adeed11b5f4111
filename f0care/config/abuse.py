"""Config models of the abuse budgets: `registration:`, `alerts:` and `limits:` (issue 16).

Each key has a default; `to_budgets` hands the dialogs their frozen `dialogs.limits.Budgets`.
"""

from __future__ import annotations

import phonenumbers
from pydantic import Field, field_validator

from dialogs.limits import Budgets, InboundLimits, RegistrationBudget
from f0care.config.fields import Model


class RegistrationConfig(Model):
    allowed_countries: tuple[str, ...] = Field(default=("VN",), min_length=1)
    max_other_numbers_per_day: int = Field(default=3, ge=0, le=50)
    max_codes_per_hour: int = Field(default=200, ge=1)

    @field_validator("allowed_countries")
    @classmethod
    def _countries(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        for value in values:
            if value.upper() not in phonenumbers.SUPPORTED_REGIONS:
                raise ValueError(f'"{value}" is not a country code; use two letters such as VN')
        return tuple(value.upper() for value in values)


class AlertsConfig(Model):
    repeat_minutes: int = Field(default=10, ge=1, le=24 * 60)


class PerPhone(Model):
    messages: int = Field(default=30, ge=1)
    minutes: int = Field(default=10, ge=1, le=24 * 60)


class LimitsConfig(Model):
    inbound_per_phone: PerPhone = Field(default_factory=PerPhone)
    inbound_per_minute: int = Field(default=6000, ge=1)


def to_budgets(registration: RegistrationConfig, alerts: AlertsConfig, limits: LimitsConfig) -> Budgets:
    """The budgets the dialogs and the inbound service enforce."""
    return Budgets(
        registration=RegistrationBudget(
            allowed_countries=registration.allowed_countries,
            max_other_numbers_per_day=registration.max_other_numbers_per_day,
            max_codes_per_hour=registration.max_codes_per_hour,
        ),
        alert_repeat_minutes=alerts.repeat_minutes,
        inbound=InboundLimits(
            per_phone_messages=limits.inbound_per_phone.messages,
            per_phone_minutes=limits.inbound_per_phone.minutes,
            per_minute=limits.inbound_per_minute,
        ),
    )
