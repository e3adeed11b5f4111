"""The health program the dialogs run: clinics, questions, triage rules, guidance.

Plain frozen dataclasses, built once from `config.yaml` by `f0care.config` and
handed to the engine. Nothing here reads files or the environment.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property

from dialogs.areas import AreaIndex
from dialogs.limits import Budgets
from dialogs.templates import Catalogue, Texts


class Level(StrEnum):
    """Triage result of a declaration or a single answer."""

    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"


class QuestionKind(StrEnum):
    NUMBER = "number"  # a measurement within [minimum, maximum]
    YESNO = "yesno"  # 0/1 or C/K
    DIGITS = "digits"  # one or several menu digits, e.g. "13"


class Role(StrEnum):
    DOCTOR = "doctor"
    NURSE = "nurse"
    SUPERVISOR = "supervisor"


@dataclass(frozen=True)
class Rule:
    """One triage rule of a question.

    Exactly one condition is used: `op`+`value` for numbers and yes/no
    (yes = 1), `any_of` for menu digits, `when_none` for "no measurement"
    (e.g. no oximeter). `min_age` (inclusive) and `max_age` (exclusive), in
    years, restrict a rule to an age band; a rule with an age band does not
    apply when the age is unknown.
    """

    level: Level
    op: str | None = None  # one of > >= < <= ==
    value: float | None = None
    any_of: tuple[int, ...] = ()
    when_none: bool = False
    min_age: float | None = None
    max_age: float | None = None


@dataclass(frozen=True)
class Question:
    key: str
    kind: QuestionKind
    label: dict[str, str]  # language -> short label used in prompts and summaries
    minimum: float | None = None
    maximum: float | None = None
    none_words: tuple[str, ...] = ()  # answers meaning "not measured", e.g. "0", "K"
    allowed_digits: str = ""  # for DIGITS
    rules: tuple[Rule, ...] = ()
    unit: str = ""
    example: str = ""  # a typical answer, shown in the prompts' example ("98"); "" when not set


@dataclass(frozen=True)
class Staff:
    name: str
    phone: str  # E.164
    role: Role
    clinic_id: str


@dataclass(frozen=True)
class OnCall:
    """Who is called when a red alert is not acknowledged in time (the province's list)."""

    name: str
    phone: str  # E.164


@dataclass(frozen=True)
class Clinic:
    id: str
    name: str
    phone: str  # shown to patients, as written in the config
    areas: tuple[str, ...]
    staff: tuple[Staff, ...]


@dataclass(frozen=True)
class GuidanceTopic:
    title: dict[str, str]  # language -> title
    text: dict[str, str]  # language -> text


@dataclass(frozen=True)
class Program:
    """Everything the dialog engine needs to know about the program."""

    name: str
    timezone: str
    country: str
    default_language: str  # "vi" or "en"
    sms_ascii: bool
    clinics: tuple[Clinic, ...]
    questions: tuple[Question, ...]
    guidance: tuple[GuidanceTopic, ...]
    monitoring_days: int = 7
    deadline: str = "10:00"
    auto_discharge: bool = False
    secret: str = ""  # server secret (service.secret_key): keys the one-time code hashes
    emergency_phrases: tuple[str, ...] = ("CAP CUU", "KHO THO", "TIM TAI", "NGAT")
    budgets: Budgets = field(default_factory=Budgets)  # registration, alert and inbound limits (dialogs.limits)
    staff_by_phone: dict[str, Staff] = field(default_factory=dict)
    catalogue: Catalogue = field(default_factory=Catalogue)  # the texts in force, built by the host

    def __post_init__(self) -> None:
        if not self.staff_by_phone:
            index = {s.phone: s for c in self.clinics for s in c.staff}
            object.__setattr__(self, "staff_by_phone", index)

    @cached_property
    def area_index(self) -> AreaIndex:
        """Ward and commune names of every clinic, for matching what patients type."""
        return AreaIndex([(area, c.id) for c in self.clinics for area in c.areas])

    def texts(self, language: str) -> Texts:
        """The texts in `language` (the default language when unknown), folded as `sms_ascii` says."""
        return self.catalogue.texts(language, self.default_language)

    def clinic(self, clinic_id: str) -> Clinic:
        for clinic in self.clinics:
            if clinic.id == clinic_id:
                return clinic
        raise KeyError(clinic_id)
