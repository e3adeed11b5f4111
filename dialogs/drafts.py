"""What a conversation remembers between two messages: one frozen type per kind of dialog.

The codec (`dialogs.codec`) turns these into the JSON stored with the phone and back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from dialogs.triage import Answer


class Action(StrEnum):
    """What a patient asked for when the service had to ask "for which patient?"."""

    DECLARE = "declare"
    HISTORY = "history"
    NEGATIVE = "negative"
    POSITIVE = "positive"


@dataclass(frozen=True)
class OtpChallenge:
    """A one-time code sent to the patient's phone: only its salted digest is kept."""

    digest: str
    salt: str
    expires: datetime
    tries: int = 0  # wrong codes typed so far
    resends: int = 0  # codes sent again on `GUI LAI`


@dataclass(frozen=True)
class RegistrationDraft:
    """The answers of a self-registration so far (empty text, None: not asked yet)."""

    name: str = ""
    birth_year: int = 0
    birth_date: date | None = None
    suggestions: tuple[str, ...] = ()  # areas offered after an unknown one, answered by number
    area: str = ""
    clinic_id: str = ""
    phone: str = ""  # the patient's phone, E.164, where the one-time code goes
    test_date: date | None = None
    symptoms: bool | None = None
    risks: tuple[str, ...] | None = None
    otp: OtpChallenge | None = None


@dataclass(frozen=True)
class DeclarationDraft:
    """A daily declaration answered one question at a time."""

    code: str  # the patient's
    started_at: datetime
    answers: Mapping[str, Answer] = field(default_factory=dict)  # by question key, in order
    alerted: bool = False  # a red alert was raised already for this declaration


@dataclass(frozen=True)
class PatientChoice:
    """ "For which patient?" was asked on a shared phone; `args` are the rest of the first message."""

    action: Action
    args: tuple[str, ...] = ()


StateData = RegistrationDraft | DeclarationDraft | PatientChoice | None
