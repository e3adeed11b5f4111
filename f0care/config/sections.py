"""Config models of the service-wide sections: service, database, gateway, schedule, escalation, logging.

Validation only, no file or environment access; Twilio and on-call phones are stored in E.164.
"""

from __future__ import annotations

import re
from typing import Literal
from zoneinfo import ZoneInfo

import phonenumbers
from pydantic import Field, ValidationInfo, field_validator, model_validator

from dialogs.program import OnCall
from f0care.config.android import AndroidConfig
from f0care.config.fields import (
    DEV_SECRET_KEY,
    MIN_DEV_TOKEN,
    KeyPath,
    Model,
    Problems,
    WithMobile,
    any_phone_e164,
    as_text,
    hhmm,
    region_of,
)


class ServiceConfig(Model):
    name: str = Field(default="F0 Home Care", min_length=1)
    timezone: str = "Asia/Ho_Chi_Minh"
    country: str = "VN"
    language: Literal["vi", "en"] = "vi"
    public_url: str = "http://127.0.0.1:5000"
    sms_ascii: bool = True
    secret_key: str = DEV_SECRET_KEY

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (KeyError, ValueError, OSError):
            raise ValueError(f'"{value}" is not a known time zone; use a name such as Asia/Ho_Chi_Minh') from None
        return value

    @field_validator("country")
    @classmethod
    def _known_country(cls, value: str) -> str:
        if value.upper() not in phonenumbers.SUPPORTED_REGIONS:
            raise ValueError(f'"{value}" is not a country code; use two letters such as VN')
        return value.upper()

    @field_validator("public_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not re.match(r"^https?://[^\s/]+", value):
            raise ValueError(f'"{value}" is not a web address; write it like https://f0.example.vn')
        if "?" in value or "#" in value:
            part = "a query string (?...)" if "?" in value else "a fragment (#...)"
            fix = "webhook addresses are made by appending /sms/twilio to it; remove it"
            raise ValueError(f'"{value}" has {part}; {fix}, e.g. https://f0.example.vn')
        return value.rstrip("/")

    @field_validator("secret_key")
    @classmethod
    def _dev_secret_when_unset(cls, value: str) -> str:
        return value or DEV_SECRET_KEY


class LoggingConfig(Model):
    """How the service logs: text lines, or one JSON object per line for a log pipeline."""

    format: Literal["text", "json"] = "text"


class DatabaseConfig(Model):
    url: str = Field(default="sqlite:///f0care.db", min_length=1)


class TwilioConfig(Model):
    account_sid: str = ""
    auth_token: str = ""
    from_number: str = ""
    api_base_url: str | None = None
    messaging_service_sid: str | None = None

    @field_validator("from_number", mode="before")
    @classmethod
    def _phone_text(cls, value: object) -> object:
        return as_text(value)

    @field_validator("from_number")
    @classmethod
    def _e164(cls, value: str, info: ValidationInfo) -> str:
        return any_phone_e164(value, region_of(info)) if value else value

    @field_validator("api_base_url", "messaging_service_sid")
    @classmethod
    def _empty_is_none(cls, value: str | None) -> str | None:
        return value or None


class RetryConfig(Model):
    """Transient send failures (network, 5xx, 429) are retried with exponential backoff and jitter."""

    max_attempts: int = Field(default=8, ge=1, le=50)
    base_seconds: float = Field(default=15.0, gt=0, allow_inf_nan=False)
    max_seconds: float = Field(default=900.0, gt=0, allow_inf_nan=False)


class GatewayConfig(Model):
    provider: Literal["console", "twilio", "android"] = "console"
    max_per_second: float = Field(default=10.0, gt=0, allow_inf_nan=False)  # segments per second
    burst_seconds: float = Field(default=60.0, ge=1, allow_inf_nan=False)  # the provider queues this much
    retry: RetryConfig = Field(default_factory=RetryConfig)
    twilio: TwilioConfig = Field(default_factory=TwilioConfig)
    android: AndroidConfig = Field(default_factory=AndroidConfig)
    dev_auth_token: str = Field(default="f0care-local-dev-token", min_length=1)
    short_codes: tuple[str, ...] = ()  # senders allowed besides E.164 numbers: a carrier's short codes

    @field_validator("short_codes", mode="before")
    @classmethod
    def _short_codes(cls, value: object) -> object:
        codes = [as_text(code) for code in value] if isinstance(value, list) else value
        for code in codes if isinstance(codes, list) else ():
            if not isinstance(code, str) or not re.fullmatch(r"[0-9]{3,8}", code):
                raise ValueError(f'"{code}" is not a short code; write its 3 to 8 digits, e.g. ["8085"]')
        return codes

    @field_validator("dev_auth_token")
    @classmethod
    def _long_dev_token(cls, value: str) -> str:
        shown = len("".join(value.split()))
        if shown < MIN_DEV_TOKEN:
            fix = "anyone who guesses it can post SMS as any phone; use a random value, e.g. ${F0CARE_DEV_TOKEN}"
            raise ValueError(f"has {shown} non-blank characters, fewer than {MIN_DEV_TOKEN}; {fix}")
        return value

    @model_validator(mode="after")
    def _android_needs_credentials(self) -> GatewayConfig:
        if self.provider != "android":
            return self
        needed = "is empty but required when gateway.provider is android; see the app's Local server (or Cloud) screen"
        problems: list[tuple[KeyPath, str]] = [(("android", key), needed) for key in self.android.missing()]
        if problems:
            raise Problems(problems)
        return self

    @model_validator(mode="after")
    def _twilio_needs_credentials(self) -> GatewayConfig:
        if self.provider != "twilio":
            return self
        needed = "is empty but required when gateway.provider is twilio; copy it from the Twilio console"
        problems: list[tuple[KeyPath, str]] = [
            (("twilio", key), needed) for key in ("account_sid", "auth_token") if not getattr(self.twilio, key)
        ]
        if not self.twilio.from_number and not self.twilio.messaging_service_sid:
            problems.append(
                (
                    ("twilio", "from_number"),
                    f"{needed} (or set twilio.messaging_service_sid)",
                )
            )
        if problems:
            raise Problems(problems)
        return self


class ScheduleConfig(Model):
    morning_prompt: str = "07:00"
    reminder: str = "09:00"
    deadline: str = "10:00"
    ack_timeout_minutes: int = Field(default=30, gt=0)
    monitoring_days: int = Field(default=7, ge=1)
    accept_within_hours: int = Field(default=12, gt=0)
    quiet_hours: tuple[str, str] = ("21:00", "06:00")
    checkins: tuple[str, ...] = Field(default=("07:00",), min_length=1)
    auto_discharge: bool = False
    misfire_grace_minutes: int = Field(default=60, gt=0)
    end_of_monitoring: str = "08:00"  # when rapid-test results are asked for
    ack_watch_minutes: int = Field(default=5, gt=0, le=60)  # how often unanswered alerts are checked

    @field_validator("morning_prompt", "reminder", "deadline", "end_of_monitoring")
    @classmethod
    def _time(cls, value: str) -> str:
        return hhmm(value)

    @field_validator("quiet_hours", "checkins")
    @classmethod
    def _times(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        problems: list[tuple[KeyPath, str]] = []
        for index, value in enumerate(values):
            try:
                hhmm(value)
            except ValueError as exc:
                problems.append(((index,), str(exc)))
        if problems:
            raise Problems(problems)
        return tuple(hhmm(value) for value in values)

    @model_validator(mode="after")
    def _in_order(self) -> ScheduleConfig:
        if not self.morning_prompt < self.reminder < self.deadline:
            order = f"after morning_prompt {self.morning_prompt} and before deadline {self.deadline}"
            raise Problems([(("reminder",), f"{self.reminder} must fall {order}")])
        return self


class OnCallConfig(WithMobile):
    """`escalation.oncall[]`: who is called when a red alert is not acknowledged in time."""

    def to_oncall(self) -> OnCall:
        return OnCall(self.name, self.phone)


class EscalationConfig(Model):
    oncall: tuple[OnCallConfig, ...] = ()
