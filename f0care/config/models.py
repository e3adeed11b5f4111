"""Config models of the clinics and of the whole file: validation only, no file or environment access.

Staff phones are stored in E.164; a clinic's display phone as written.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from dialogs.areas import area_key
from f0care.config.abuse import AlertsConfig, LimitsConfig, RegistrationConfig
from f0care.config.defaults import DEFAULT_GUIDANCE, DEFAULT_QUESTIONS
from f0care.config.fields import (
    KeyPath,
    Model,
    Problems,
    WithMobile,
    any_phone_e164,
    as_text,
    region_of,
    secret_key_problem,
)
from f0care.config.operations import AlarmsConfig, MetricsConfig, RetentionConfig
from f0care.config.questions import GuidanceConfig, QuestionConfig
from f0care.config.sections import (
    DatabaseConfig,
    EscalationConfig,
    GatewayConfig,
    LoggingConfig,
    ScheduleConfig,
    ServiceConfig,
)
from f0care.config.texts import TextsConfig

_CLINIC_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class StaffConfig(WithMobile):
    """A doctor, nurse or supervisor of a clinic, who receives its alerts by SMS.

    `district`: a district health officer listed under a clinic of her district; she sees every
    clinic with the same `district:` in the web console, gets no SMS alerts and sends no commands.
    """

    role: Literal["doctor", "nurse", "supervisor", "district"]


class ClinicConfig(Model):
    """A commune health station: the areas it serves and its staff."""

    id: str
    name: str = Field(min_length=1)
    phone: str
    areas: tuple[str, ...] = ()
    district: str | None = None  # clinics with the same district are seen together by `district` staff
    staff: tuple[StaffConfig, ...] = Field(min_length=1)

    @field_validator("id")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not _CLINIC_ID.match(value):
            hint = "use lower-case letters, digits and dashes, e.g. tyt-tran-phu"
            raise ValueError(f'"{value}" is not a clinic id; {hint}')
        return value

    @field_validator("phone", mode="before")
    @classmethod
    def _phone_text(cls, value: object) -> object:
        return as_text(value)

    @field_validator("phone")
    @classmethod
    def _display_phone(cls, value: str, info: ValidationInfo) -> str:
        any_phone_e164(value, region_of(info))  # landlines too; shown as written
        return value.strip()


def _defaults(model: type[QuestionConfig | GuidanceConfig], data: tuple[dict[str, Any], ...]) -> Any:
    return tuple(model.model_validate(item) for item in data)


class Config(Model):
    """The whole of config.yaml, validated; build it with `f0care.config.load_config`."""

    service: ServiceConfig = Field(default_factory=ServiceConfig)
    database: DatabaseConfig = Field(default_factory=DatabaseConfig)
    gateway: GatewayConfig = Field(default_factory=GatewayConfig)
    schedule: ScheduleConfig = Field(default_factory=ScheduleConfig)
    escalation: EscalationConfig = Field(default_factory=EscalationConfig)
    clinics: tuple[ClinicConfig, ...] = Field(min_length=1)
    questions: tuple[QuestionConfig, ...] = Field(
        default_factory=lambda: _defaults(QuestionConfig, DEFAULT_QUESTIONS),
        min_length=1,
    )
    guidance: tuple[GuidanceConfig, ...] = Field(default_factory=lambda: _defaults(GuidanceConfig, DEFAULT_GUIDANCE))
    texts: TextsConfig = Field(default_factory=TextsConfig)
    logging: LoggingConfig = Field(default_factory=LoggingConfig)
    metrics: MetricsConfig = Field(default_factory=MetricsConfig)
    alarms: AlarmsConfig = Field(default_factory=AlarmsConfig)
    retention: RetentionConfig = Field(default_factory=RetentionConfig)
    registration: RegistrationConfig = Field(default_factory=RegistrationConfig)
    alerts: AlertsConfig = Field(default_factory=AlertsConfig)
    limits: LimitsConfig = Field(default_factory=LimitsConfig)

    @property
    def webhook_auth_token(self) -> str:
        """The token inbound webhooks are signed with: Twilio's, or the local dev token."""
        if self.gateway.provider == "twilio":
            return self.gateway.twilio.auth_token
        return self.gateway.dev_auth_token

    @property
    def alarm_recipients(self) -> tuple[str, ...]:
        """Who gets the operator alarms: `alarms.notify`, or else the on-call list."""
        return self.alarms.notify or tuple(person.phone for person in self.escalation.oncall)

    @model_validator(mode="after")
    def _unique(self) -> Config:
        problems = _clinic_clashes(self.clinics) + _question_clashes(self.questions) + _secret_key(self)
        if problems:
            raise Problems(problems)
        return self


def _clinic_clashes(clinics: tuple[ClinicConfig, ...]) -> list[tuple[KeyPath, str]]:
    """Clinic ids, staff phones and areas that appear twice."""
    problems: list[tuple[KeyPath, str]] = []
    ids: dict[str, str] = {}
    phones: dict[str, str] = {}
    areas: dict[str, tuple[str, str]] = {}
    for c, clinic in enumerate(clinics):
        if clinic.id in ids:
            fix = "give each clinic its own id"
            problems.append(
                (
                    ("clinics", c, "id"),
                    f'"{clinic.id}" is already the id of {ids[clinic.id]}; {fix}',
                )
            )
        ids.setdefault(clinic.id, f"clinics[{c}]")
        for s, staff in enumerate(clinic.staff):
            if staff.phone in phones:
                fix = "each staff member needs their own mobile"
                text = f"{staff.phone} is already the phone of {phones[staff.phone]}; {fix}"
                problems.append((("clinics", c, "staff", s, "phone"), text))
            phones.setdefault(staff.phone, f"{staff.name} (clinics[{c}].staff[{s}])")
        problems += _area_clashes(c, clinic, areas)
    return problems


def _area_clashes(c: int, clinic: ClinicConfig, areas: dict[str, tuple[str, str]]) -> list[tuple[KeyPath, str]]:
    """Areas another clinic already serves, compared as routing compares them (`dialogs.areas.area_key`).

    "Trần Phú", "Phuong Tran Phu" and "P. Tran Phu" are one area: two clinics claiming it would leave
    patients who type it routed nowhere. One clinic may list several spellings of its own areas.
    """
    problems: list[tuple[KeyPath, str]] = []
    for a, area in enumerate(clinic.areas):
        key = area_key(area)
        owner, written = areas.setdefault(key, (clinic.id, area))
        if owner != clinic.id:
            text = (
                f'"{area}" is already served by clinic {owner} (as "{written}", the same area once accents, '
                f"case and ward/commune words are ignored); clinic {clinic.id} cannot claim it too: "
                "an area belongs to one clinic only"
            )
            problems.append((("clinics", c, "areas", a), text))
    return problems


def _secret_key(config: Config) -> list[tuple[KeyPath, str]]:
    """A real secret key whenever real SMS go out (the listening address is checked at start-up)."""
    if config.gateway.provider == "console":
        return []
    because = f"gateway.provider is {config.gateway.provider}"
    problem = secret_key_problem(config.service.secret_key, because)
    return [(("service", "secret_key"), problem)] if problem else []


def _question_clashes(
    questions: tuple[QuestionConfig, ...],
) -> list[tuple[KeyPath, str]]:
    problems: list[tuple[KeyPath, str]] = []
    keys: set[str] = set()
    for q, question in enumerate(questions):
        if question.key in keys:
            text = f'"{question.key}" is the key of an earlier question; keys must be unique'
            problems.append((("questions", q, "key"), text))
        keys.add(question.key)
    return problems
