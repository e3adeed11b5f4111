"""Unit-tier helpers: the shipped program, hand-built contexts and a pure transcript driver.

Nothing here touches a database, Flask or the clock: a conversation is fed through
`dialogs.engine.advance` with a fixed `now`, and the effects are collected as they come.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from dialogs.effects import Effect, Reply, SendSms, SetLanguage, SetOptOut
from dialogs.engine import advance
from dialogs.program import Program
from dialogs.staff import StaffContext
from dialogs.state import Context, Conversation, DaySummary, PatientView, Step
from f0care.config import load_config, to_program

ROOT = Path(__file__).resolve().parents[2]
# 08:00 in Hanoi on Wednesday 25/11/2026.
NOW = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)
TODAY = date(2026, 11, 25)

PATIENT_PHONE = "+84987654321"  # a Viettel mobile
RELATIVE_PHONE = "+84903111222"  # a MobiFone mobile
STRANGER_PHONE = "+84977000111"
DOCTOR = "+84912000001"  # BS Lan, Tram Y te phuong Tran Phu
NURSE = "+84912000002"  # DD Mai
SUPERVISOR = "+84912000003"  # TYT Hung
OTHER_DOCTOR = "+84912000004"  # BS Minh, Tram Y te phuong Quang Trung
TRAN_PHU = "tyt-tran-phu"
TRAN_PHU_STAFF = (DOCTOR, NURSE, SUPERVISOR)
OTP = "482913"
CODE = "K7M2Q"


@pytest.fixture(scope="session")
def program() -> Program:
    """The program built from the shipped config.yaml (demo clinics of Hai Duong)."""
    return to_program(load_config(ROOT / "config.yaml", environ={"DATABASE_URL": "sqlite://"}))


def patient(
    code: str = CODE,
    full_name: str = "Nguyen Van An",
    phone: str = PATIENT_PHONE,
    *,
    clinic_id: str = TRAN_PHU,
    status: str = "active",
    birth_year: int = 1980,
    birth_date: date | None = None,
    area: str = "Tran Phu",
    **more: Any,
) -> PatientView:
    """A patient as the host would load it; an adult at Tran Phu unless told otherwise."""
    return PatientView(
        code=code,
        full_name=full_name,
        phone=phone,
        clinic_id=clinic_id,
        status=status,
        birth_year=birth_year,
        birth_date=birth_date,
        area=area,
        **more,
    )


def child(age: int, code: str = "B3CHD", name: str = "Nguyen Van Be") -> PatientView:
    """A patient of exactly `age` years on TODAY (born on this day)."""
    born = TODAY.replace(year=TODAY.year - age)
    return patient(code, name, birth_year=born.year, birth_date=born)


def context(
    program: Program,
    *patients: PatientView,
    phone: str = PATIENT_PHONE,
    language: str = "vi",
    **more: Any,
) -> Context:
    """A Context for `phone` holding `patients`, with a fixed code, OTP and salt."""
    values: dict[str, Any] = {"new_code": CODE, "new_otp": OTP, "nonce": "0f1e2d3c", **more}
    return Context(program=program, phone=phone, language=language, opted_out=False, patients=tuple(patients), **values)


def staff_context(program: Program, phone: str = DOCTOR, **more: Any) -> StaffContext:
    """A StaffContext for the staff member with `phone`."""
    return StaffContext(program=program, staff=program.staff_by_phone[phone], **{"new_code": CODE, **more})


def replies(step: Step) -> list[str]:
    return [e.text for e in step.effects if isinstance(e, Reply)]


def sms(step: Step, kind: str | None = None) -> list[SendSms]:
    return [e for e in step.effects if isinstance(e, SendSms) and (kind is None or e.kind == kind)]


def of_type(effects: Iterable[Effect], kind: type[Any]) -> list[Any]:
    return [e for e in effects if isinstance(e, kind)]


@dataclass
class Thread:
    """One phone's SMS thread with the service, driven through the pure engine.

    `send` feeds a text to `advance` with a Context built from the fields here, carries the
    returned conversation forward, applies the language and opt-out the step asks for, and
    returns the reply. Every effect is kept in `effects`; the last step's in `last`.
    """

    program: Program
    phone: str = PATIENT_PHONE
    patients: tuple[PatientView, ...] = ()
    now: datetime = NOW
    language: str = "vi"
    opted_out: bool = False
    conversation: Conversation = field(default_factory=Conversation)
    extra: dict[str, Any] = field(default_factory=dict)  # more Context fields: otp_sent_today, history...
    effects: list[Effect] = field(default_factory=list)
    replies: list[str] = field(default_factory=list)
    last: Step = field(default_factory=lambda: Step(Conversation()))

    def context(self, **more: Any) -> Context:
        values = {**self.extra, **more}
        return replace(
            context(self.program, *self.patients, phone=self.phone, language=self.language, **values),
            opted_out=self.opted_out,
        )

    def send(self, text: str, **more: Any) -> str:
        """Send `text`; return the reply (several replies joined by a newline)."""
        self.last = advance(self.conversation, text, self.context(**more), self.now)
        self.conversation = self.last.conversation
        self.effects += self.last.effects
        for effect in self.last.effects:
            if isinstance(effect, SetLanguage):
                self.language = effect.language
            if isinstance(effect, SetOptOut):
                self.opted_out = effect.opted_out
        said = replies(self.last)
        self.replies += said
        return "\n".join(said)

    def later(self, **delta: float) -> None:
        self.now += timedelta(**delta)

    @property
    def state(self) -> str:
        return self.conversation.state.value

    def sent(self, kind: str | None = None) -> list[SendSms]:
        """Messages to other phones in the last step."""
        return sms(self.last, kind)

    def all(self, kind: type[Any]) -> list[Any]:
        """Effects of `kind` over the whole thread."""
        return of_type(self.effects, kind)


@pytest.fixture
def thread(program: Program) -> Callable[..., Thread]:
    """`thread(patients=(...), phone=...)`: a fresh SMS thread on the shipped program."""

    def make(*patients: PatientView, phone: str = PATIENT_PHONE, **more: Any) -> Thread:
        return Thread(program, phone=phone, patients=tuple(patients), **more)

    return make


def day(back: int, answers: dict[str, float | str | None], level: str) -> DaySummary:
    """The last declaration `back` days before TODAY, for `LS`."""
    return DaySummary(TODAY - timedelta(days=back), answers, level)
