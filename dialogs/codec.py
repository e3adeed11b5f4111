"""The one place where a conversation becomes stored JSON and back.

The JSON has the flat keys the service has always written (`name`, `birth_year`, ...,
`otp_hash`; `code`, `answers`, ...; `action`, `args`), so a phone caught mid-dialog by an
upgrade carries on. A state this code does not know, or data that does not fit its state,
loads as IDLE: the patient starts again rather than meeting an error.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import fields
from datetime import date, datetime
from typing import Any, TypeVar

from dialogs.drafts import Action, DeclarationDraft, OtpChallenge, PatientChoice, RegistrationDraft, StateData
from dialogs.state import Conversation, State
from dialogs.triage import Answer

T = TypeVar("T")

# The draft fields each registration state has answered already (each state adds to the one before).
ANSWERED: Mapping[State, tuple[str, ...]] = {
    State.REG_NAME: (),
    State.REG_BIRTH: ("name",),
    State.REG_AREA: ("name", "birth_year"),
    State.REG_PHONE: ("name", "birth_year", "area", "clinic_id"),
    State.REG_TEST_DATE: ("name", "birth_year", "area", "clinic_id", "phone"),
    State.REG_SYMPTOMS: ("name", "birth_year", "area", "clinic_id", "phone", "test_date"),
    State.REG_RISKS: ("name", "birth_year", "area", "clinic_id", "phone", "test_date", "symptoms"),
    State.REG_OTP: ("name", "birth_year", "area", "clinic_id", "phone", "test_date", "symptoms", "risks"),
}
_NOT_ASKED: Mapping[str, object] = {f.name: f.default for f in fields(RegistrationDraft)}


def load_conversation(state: str, data: Mapping[str, Any], updated_at: datetime | None) -> Conversation:
    """The conversation stored as `state` and `data`; IDLE when either is not understood."""
    try:
        known = State(state)
        loaded = _LOADERS[known](data)
        if isinstance(loaded, RegistrationDraft) and any(getattr(loaded, f) == _NOT_ASKED[f] for f in ANSWERED[known]):
            raise ValueError(f"{state} without its earlier answers")
        return Conversation(known, loaded, updated_at)
    except (KeyError, TypeError, ValueError, AttributeError):
        return Conversation(State.IDLE, None, updated_at)


def dump_conversation(conv: Conversation) -> tuple[str, dict[str, Any]]:
    """The state's name and its data as JSON-ready values (the inverse of `load_conversation`)."""
    data = conv.data
    if isinstance(data, RegistrationDraft):
        return conv.state.value, _dump_registration(data)
    if isinstance(data, DeclarationDraft):
        answers = dict(data.answers)
        dumped = {"code": data.code, "answers": answers, "started_at": data.started_at.isoformat()}
        return conv.state.value, {**dumped, "alerted": data.alerted}
    if isinstance(data, PatientChoice):
        return conv.state.value, {"action": data.action.value, "args": list(data.args)}
    return conv.state.value, {}


def _dump_registration(draft: RegistrationDraft) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if draft.name:
        out["name"] = draft.name
    if draft.birth_year:
        out["birth_year"] = draft.birth_year
        out["birth_date"] = draft.birth_date.isoformat() if draft.birth_date else None
    if draft.suggestions:
        out["suggestions"] = list(draft.suggestions)
    out.update({key: value for key in ("area", "clinic_id", "phone") if (value := getattr(draft, key))})
    if draft.test_date is not None:
        out["test_date"] = draft.test_date.isoformat()
    if draft.symptoms is not None:
        out["symptoms"] = draft.symptoms
    if draft.risks is not None:
        out["risks"] = list(draft.risks)
    if draft.otp is not None:
        otp = draft.otp
        out.update(otp_hash=otp.digest, otp_salt=otp.salt, otp_expires=otp.expires.isoformat())
        out.update(otp_tries=otp.tries, otp_resends=otp.resends)
    return out


def _get(data: Mapping[str, Any], key: str, kind: type[T], default: T | None = None) -> T:
    """`data[key]`, which must be a `kind` (a bool is not an int here); `default` when absent."""
    if key not in data and default is not None:
        return default
    value = data[key]
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise TypeError(f"{key}: {type(value).__name__} is not {kind.__name__}")
    return value


def _strings(data: Mapping[str, Any], key: str, default: list[str] | None = None) -> tuple[str, ...]:
    values = _get(data, key, list, default)
    if not all(isinstance(v, str) for v in values):
        raise TypeError(f"{key}: not all text")
    return tuple(values)


def _load_registration(data: Mapping[str, Any]) -> RegistrationDraft:
    birth = data.get("birth_date")
    test = data.get("test_date")
    return RegistrationDraft(
        name=_get(data, "name", str, ""),
        birth_year=_get(data, "birth_year", int, 0),
        birth_date=date.fromisoformat(birth) if birth is not None else None,
        suggestions=_strings(data, "suggestions", []),
        area=_get(data, "area", str, ""),
        clinic_id=_get(data, "clinic_id", str, ""),
        phone=_get(data, "phone", str, ""),
        test_date=date.fromisoformat(test) if test is not None else None,
        symptoms=_get(data, "symptoms", bool) if "symptoms" in data else None,
        risks=_strings(data, "risks") if "risks" in data else None,
        otp=_load_otp(data) if "otp_hash" in data else None,
    )


def _load_otp(data: Mapping[str, Any]) -> OtpChallenge:
    return OtpChallenge(
        digest=_get(data, "otp_hash", str),
        salt=_get(data, "otp_salt", str),
        expires=datetime.fromisoformat(_get(data, "otp_expires", str)),
        tries=_get(data, "otp_tries", int, 0),
        resends=_get(data, "otp_resends", int, 0),
    )


def _answer(value: object) -> Answer:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    raise TypeError(f"answer: {type(value).__name__}")


def _load_declaration(data: Mapping[str, Any]) -> DeclarationDraft:
    answers = _get(data, "answers", dict, {})
    if not all(isinstance(key, str) for key in answers):
        raise TypeError("answers: keys are not question keys")
    return DeclarationDraft(
        code=_get(data, "code", str),
        started_at=datetime.fromisoformat(_get(data, "started_at", str)),
        answers={key: _answer(value) for key, value in answers.items()},
        alerted=_get(data, "alerted", bool) if "alerted" in data else False,
    )


def _load_choice(data: Mapping[str, Any]) -> PatientChoice:
    return PatientChoice(Action(_get(data, "action", str)), _strings(data, "args", []))


def _load_nothing(data: Mapping[str, Any]) -> None:
    return None


_LOADERS: Mapping[State, Callable[[Mapping[str, Any]], StateData]] = {
    State.IDLE: _load_nothing,
    **{state: _load_registration for state in ANSWERED},
    State.DECLARING: _load_declaration,
    State.CHOOSE_PATIENT: _load_choice,
}
