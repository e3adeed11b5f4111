"""Config models of the operator's sections: metrics, alarms, retention. Validation only."""

from __future__ import annotations

from pydantic import Field, ValidationInfo, field_validator

from f0care.config.fields import Model, as_text, mobile_e164, region_of


class MetricsConfig(Model):
    """`GET /metrics`: with a token, readable with `Authorization: Bearer <token>`; without, from loopback only."""

    token: str = ""


class AlarmsConfig(Model):
    """SMS to the operators when outbound sending fails or the outbox lags (one per incident, one when it clears)."""

    failure_minutes: int = Field(default=10, ge=1, le=1440)
    lag_minutes: int = Field(default=15, ge=1, le=1440)
    notify: tuple[str, ...] = ()  # mobiles; empty: the numbers of escalation.oncall

    @field_validator("notify", mode="before")
    @classmethod
    def _phones_text(cls, value: object) -> object:
        return [as_text(phone) for phone in value] if isinstance(value, list) else value

    @field_validator("notify")
    @classmethod
    def _mobiles(cls, values: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        return tuple(mobile_e164(value, region_of(info)) for value in values)


class RetentionConfig(Model):
    """`f0care purge`: records of patients closed (discharged, rejected) longer ago are exported, then deleted."""

    enabled: bool = False  # the daily job runs only when true; `f0care purge` works either way
    days_after_close: int = Field(default=90, ge=1)
    export_dir: str = Field(default="exports", min_length=1)
