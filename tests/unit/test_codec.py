"""The stored conversation: rows written before the typed drafts still load, garbage loads as IDLE,
and every state survives a trip through JSON."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dialogs.codec import ANSWERED, dump_conversation, load_conversation
from dialogs.drafts import (
    Action,
    DeclarationDraft,
    OtpChallenge,
    PatientChoice,
    RegistrationDraft,
    StateData,
)
from dialogs.effects import CreatePatient, RecordDeclaration
from dialogs.engine import advance
from dialogs.flow import FLOW
from dialogs.program import Program
from dialogs.state import Conversation, State
from tests.unit.conftest import CODE, NOW, OTP, RELATIVE_PHONE, TODAY, Thread, child, context, patient

# Rows exactly as the service wrote them before the drafts were typed (contact.state, contact.state_data).
AN = {"name": "Nguyen Van An", "birth_year": 1980, "birth_date": None}
WARD = {**AN, "area": "Le Thanh Nghi", "clinic_id": "tyt-quang-trung"}
PHONE = {**WARD, "phone": RELATIVE_PHONE}
RISKS = {**PHONE, "test_date": "2026-11-25", "symptoms": True}
OTP_ROW = {
    **RISKS,
    "risks": ["chronic", "unvaccinated"],
    "otp_hash": "7bd1b794e03c0883c4a938c752dd4a069f4826ab774142ae702dcacdb203576f",
    "otp_salt": "0f1e2d3c",
    "otp_expires": "2026-11-25T01:10:00+00:00",
    "otp_tries": 0,
    "otp_resends": 1,
}
LEGACY: list[tuple[str, dict[str, Any]]] = [
    ("idle", {}),
    ("reg_name", {}),
    ("reg_birth", {"name": "Nguyen Van An"}),
    ("reg_area", AN),
    ("reg_area", {**AN, "birth_date": "1980-03-15", "suggestions": ["Le Thanh Nghi", "Le Loi"]}),
    ("reg_phone", WARD),
    ("reg_test_date", PHONE),
    ("reg_symptoms", {**PHONE, "test_date": "2026-11-25"}),
    ("reg_risks", RISKS),
    ("reg_otp", OTP_ROW),
    (
        "declaring",
        {"code": "K7M2Q", "answers": {"spo2": 98.0, "breaths": 18.0}, "started_at": NOW.isoformat(), "alerted": False},
    ),
    ("choose_patient", {"action": "declare", "args": ["98", "18", "86", "37", "0", "0"]}),
    ("choose_patient", {"action": "history", "args": []}),
]


@pytest.mark.parametrize(("state", "data"), LEGACY)
def test_a_row_written_before_the_upgrade_loads_in_its_state_and_is_stored_back_the_same(
    state: str, data: dict[str, Any]
) -> None:
    conv = load_conversation(state, data, NOW)
    assert (conv.state.value, conv.updated_at) == (state, NOW)
    assert dump_conversation(conv) == (state, data)


def test_a_legacy_registration_row_is_read_into_its_answers() -> None:
    conv = load_conversation("reg_otp", OTP_ROW, NOW)
    assert conv.data == RegistrationDraft(
        name="Nguyen Van An",
        birth_year=1980,
        area="Le Thanh Nghi",
        clinic_id="tyt-quang-trung",
        phone=RELATIVE_PHONE,
        test_date=TODAY,
        symptoms=True,
        risks=("chronic", "unvaccinated"),
        otp=OtpChallenge(str(OTP_ROW["otp_hash"]), "0f1e2d3c", NOW + timedelta(minutes=10), tries=0, resends=1),
    )


def test_a_patient_mid_registration_during_the_upgrade_finishes_with_the_code_already_sent(
    thread: Callable[..., Thread],
) -> None:
    relative = thread(phone=RELATIVE_PHONE, conversation=load_conversation("reg_otp", OTP_ROW, NOW))
    relative.later(minutes=3)
    assert "ma" in relative.send(OTP)
    [created] = relative.all(CreatePatient)
    assert (created.full_name, created.phone, created.clinic_id) == ("Nguyen Van An", RELATIVE_PHONE, "tyt-quang-trung")
    assert (created.positive_test_date, created.symptoms, created.birth_date) == (TODAY, True, None)
    assert relative.state == "idle"


def test_a_declaration_half_answered_before_the_upgrade_is_completed_after_it(thread: Callable[..., Thread]) -> None:
    an = thread(patient(), conversation=load_conversation(*LEGACY[10], NOW))
    an.send("86 37 0 0")
    [record] = an.all(RecordDeclaration)
    assert record.complete
    assert record.started_at == NOW
    assert not record.new
    assert (record.answers["spo2"], record.answers["breaths"], record.answers["pulse"]) == (98.0, 18.0, 86.0)


def test_a_for_whom_question_asked_before_the_upgrade_is_answered_after_it(thread: Callable[..., Thread]) -> None:
    family = thread(patient(), child(3), conversation=load_conversation(*LEGACY[11], NOW))
    family.send("2")
    [record] = family.all(RecordDeclaration)
    assert record.code == "B3CHD"
    assert record.complete


MALFORMED: list[tuple[str, Any]] = [
    ("no_such_state", {}),
    ("", {}),
    ("IDLE", {}),
    ("reg_birth", {}),
    ("reg_birth", {"name": 5}),
    ("reg_area", {"name": "An", "birth_year": "1980"}),
    ("reg_area", {"name": "An", "birth_year": True}),
    ("reg_area", {**AN, "birth_date": "15/03/1980"}),
    ("reg_area", {**AN, "suggestions": "Le Loi"}),
    ("reg_phone", None),
    ("reg_phone", ["name"]),
    ("reg_symptoms", {**PHONE, "test_date": "25/11"}),
    ("reg_risks", {**RISKS, "symptoms": "yes"}),
    ("reg_otp", {}),
    ("reg_otp", RISKS),
    ("reg_otp", {**OTP_ROW, "otp_expires": "soon"}),
    ("reg_otp", {**OTP_ROW, "otp_tries": "0"}),
    ("reg_otp", {k: v for k, v in OTP_ROW.items() if k != "otp_salt"}),
    ("declaring", {"code": CODE}),
    ("declaring", {"code": CODE, "started_at": NOW.isoformat(), "answers": {"spo2": True}}),
    ("declaring", {"code": CODE, "started_at": NOW.isoformat(), "answers": [98, 18]}),
    ("declaring", {"code": None, "started_at": NOW.isoformat()}),
    ("choose_patient", {"action": "dance", "args": []}),
    ("choose_patient", {"action": "declare", "args": "98 18"}),
    ("choose_patient", {"args": []}),
]


@pytest.mark.parametrize(("state", "data"), MALFORMED)
def test_an_unknown_state_or_data_that_does_not_fit_its_state_loads_as_idle(
    state: str, data: Any, program: Program
) -> None:
    conv = load_conversation(state, data, NOW)
    assert (conv.state, conv.data) == (State.IDLE, None)
    step = advance(conv, "98 18 86 37 0 0", context(program, patient()), NOW)
    assert step.effects


texts = st.text(max_size=12)
moments = st.datetimes(timezones=st.just(UTC))
otps = st.builds(
    OtpChallenge, digest=texts, salt=texts, expires=moments, tries=st.integers(0, 9), resends=st.integers(0, 9)
)
full_drafts = st.builds(
    RegistrationDraft,
    name=st.text(min_size=1, max_size=20),
    birth_year=st.integers(1, 9999),
    birth_date=st.none() | st.dates(),
    suggestions=st.lists(texts, max_size=3).map(tuple),
    area=st.text(min_size=1, max_size=12),
    clinic_id=st.text(min_size=1, max_size=12),
    phone=st.text(min_size=1, max_size=16),
    test_date=st.dates(),
    symptoms=st.booleans(),
    risks=st.lists(texts, max_size=3).map(tuple),
    otp=st.none() | otps,
)
answers = st.dictionaries(texts, st.none() | st.floats(allow_nan=False, allow_infinity=False) | texts, max_size=6)
NOT_ASKED = {"name": "", "area": "", "clinic_id": "", "phone": "", "test_date": None, "symptoms": None, "risks": None}


def drafts_in(state: State) -> st.SearchStrategy[StateData]:
    """Data a conversation may hold in `state`: the answers the state needs, any of the others."""
    if state is State.DECLARING:
        return st.builds(DeclarationDraft, code=texts, started_at=moments, answers=answers, alerted=st.booleans())
    if state is State.CHOOSE_PATIENT:
        return st.builds(PatientChoice, action=st.sampled_from(Action), args=st.lists(texts, max_size=6).map(tuple))
    if state is State.IDLE:
        return st.none()
    optional = sorted({*NOT_ASKED, "birth_year", "otp", "suggestions"} - set(ANSWERED[state]))
    not_asked = {**NOT_ASKED, "birth_year": 0, "birth_date": None, "otp": None, "suggestions": ()}

    def clear(draft: RegistrationDraft, fields: list[str]) -> RegistrationDraft:
        cleared: dict[str, Any] = {f: not_asked[f] for f in fields}
        if "birth_year" in fields:
            cleared["birth_date"] = None  # the birth date is stored with the year
        return replace(draft, **cleared)

    return st.tuples(full_drafts, st.lists(st.sampled_from(optional), unique=True)).map(lambda pair: clear(*pair))


@pytest.mark.parametrize("state", list(State))
@settings(max_examples=60, deadline=None)
@given(data=st.data(), updated_at=st.none() | moments)
def test_every_state_survives_a_trip_through_json(state: State, data: st.DataObject, updated_at: datetime) -> None:
    conv = Conversation(state, data.draw(drafts_in(state)), updated_at)
    name, stored = dump_conversation(conv)
    stored = json.loads(json.dumps(stored, allow_nan=False))
    assert load_conversation(name, stored, updated_at) == conv


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
keys = st.sampled_from(sorted({k for _, row in LEGACY for k in row})) | st.text(max_size=8)


@settings(max_examples=300, deadline=None)
@given(
    state=st.sampled_from([s.value for s in State]) | st.text(max_size=14),
    data=st.dictionaries(keys, json_values, max_size=12),
)
def test_whatever_is_stored_loads_into_a_state_with_data_of_its_type(state: str, data: dict[str, Any]) -> None:
    conv = load_conversation(state, data, NOW)
    assert isinstance(conv.data, FLOW[conv.state].data)


def test_a_new_conversation_is_stored_as_idle_without_data() -> None:
    assert dump_conversation(Conversation()) == ("idle", {})
    assert load_conversation("idle", {}, None) == Conversation()
