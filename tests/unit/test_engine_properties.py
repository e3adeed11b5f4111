"""Whatever arrives, from whichever state, the engine answers and never raises."""

from __future__ import annotations

from datetime import timedelta
from functools import cache

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from dialogs.effects import Reply, SendSms
from dialogs.engine import advance, check_flows
from dialogs.program import Program
from dialogs.staff import handle, parse
from dialogs.state import Context, Conversation, State
from f0care.config import load_config, to_program
from tests.unit.conftest import (
    CODE,
    DOCTOR,
    NOW,
    OTHER_DOCTOR,
    RELATIVE_PHONE,
    ROOT,
    STRANGER_PHONE,
    Thread,
    child,
    context,
    day,
    patient,
    staff_context,
)

REGISTRATION = ["DK", "Nguyen Van An", "1980", "Le Thanh", "1", "NAY", "hom nay", "C", "13"]
# Words the engine reacts to, so that generated messages also reach the deeper paths.
VOCABULARY = [
    "DK", "HUY", "STOP", "START", "EN", "VI", "LS", "HD", "KB", "CUU", "SOS", "?", "GUI LAI", "NAY",
    "K7M2Q", "B3CHD", "1", "2", "0", "13", "98", "18", "86", "37,5", "37.5", "K", "C", "KHÔNG", "kho tho",
    "khong", "hom nay", "25/11", "1980", "Tran Phu", "0987654321", "482913", ",", ";", "đăng ký", "",
]  # fmt: skip


@cache
def program() -> Program:
    return to_program(load_config(ROOT / "config.yaml", environ={"DATABASE_URL": "sqlite://"}))


def contexts() -> dict[str, Context]:
    p = program()
    history = {CODE: (day(0, {"spo2": 98.0}, "green"),), "B3CHD": (day(2, {"spo2": 95.0}, "red"),)}
    return {
        "unknown number": context(p, phone=STRANGER_PHONE),
        "registered patient": context(p, patient(), history=history),
        "two patients": context(p, patient(), child(3), history=history),
        "pending patient": context(p, patient(status="pending")),
    }


@cache
def conversations() -> dict[str, Conversation]:
    """A conversation in every state, with the data a real thread leaves there."""
    found: dict[str, Conversation] = {"idle": Conversation()}
    t = Thread(program(), phone=RELATIVE_PHONE)
    for text in REGISTRATION:
        t.send(text)
        found.setdefault(t.state, t.conversation)
    t.send("GUI LAI")
    found["reg_otp resent"] = t.conversation
    declaring = Thread(program(), patients=(patient(),))
    declaring.send("KB 98 18")
    found["declaring"] = declaring.conversation
    choosing = Thread(program(), patients=(patient(), child(3)))
    choosing.send("98 18 86 37 0 0")
    found["choose_patient"] = choosing.conversation
    choosing.send("LS")
    found["choose_patient history"] = choosing.conversation
    return found


def test_the_fixtures_cover_every_state() -> None:
    assert {c.state for c in conversations().values()} == set(State)


def test_every_state_has_a_handler() -> None:
    check_flows()


@pytest.mark.parametrize(
    ("state", "who", "text"),
    [
        ("choose_patient", "two patients", "²"),
        ("choose_patient history", "two patients", "¹"),
        ("reg_area", "unknown number", "²"),
        ("idle", "registered patient", "HD ²"),
        ("idle", "registered patient", "HD ³"),
    ],
)
def test_a_digit_that_int_cannot_read_still_gets_an_answer(state: str, who: str, text: str) -> None:
    """str.isdigit() is true for superscripts such as "²", which int() refuses."""
    step = advance(conversations()[state], text, contexts()[who], NOW)
    assert [e for e in step.effects if isinstance(e, Reply)]


messages = st.one_of(
    st.text(max_size=1600),
    st.lists(st.sampled_from(VOCABULARY), max_size=8).map(" ".join),
    st.lists(st.sampled_from(VOCABULARY) | st.text(max_size=6), max_size=6).map(" ".join),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    state=st.sampled_from(sorted(conversations())),
    who=st.sampled_from(sorted(contexts())),
    text=messages,
    minutes=st.sampled_from([0, 9, 11, 60 * 7, 60 * 25]),
)
@example(state="idle", who="unknown number", text="", minutes=0)
@example(state="reg_area", who="registered patient", text="x" * 1600, minutes=0)
@example(state="declaring", who="two patients", text="9" * 1600, minutes=0)
@example(state="reg_otp", who="unknown number", text="\x00\ud7ff\U0010ffff", minutes=0)
@example(state="choose_patient", who="two patients", text="²", minutes=0)
def test_any_text_from_any_state_gets_a_reply_and_never_raises(state: str, who: str, text: str, minutes: int) -> None:
    ctx = contexts()[who]
    step = advance(conversations()[state], text, ctx, NOW + timedelta(minutes=minutes))
    replies = [e for e in step.effects if isinstance(e, Reply)]
    assert len(replies) >= 1
    assert all(r.text.strip() for r in replies)
    assert isinstance(step.conversation.state, State)
    for effect in step.effects:
        if isinstance(effect, SendSms):
            assert effect.to != ctx.phone or effect.kind == "otp"


@settings(max_examples=100, deadline=None)
@given(
    text=st.text(max_size=1600)
    | st.lists(
        st.sampled_from(["DUYET", "TUCHOI", "TU CHOI", "OK", "DK", "TIEP", "XONG", *VOCABULARY]), max_size=6
    ).map(" ".join)
)
@example(text="TIEP K7M2Q ²")
@example(text="DUYET ²")
def test_any_text_from_a_staff_phone_is_either_not_a_command_or_gets_an_answer(text: str) -> None:
    command = parse(text)
    if command is None:
        return
    subjects = (patient(status="pending"), patient(), None)
    for phone, subject in [(DOCTOR, s) for s in subjects] + [(OTHER_DOCTOR, patient())]:
        effects = handle(command, staff_context(program(), phone, patient=subject, open_alerts=1), NOW)
        assert [e for e in effects if isinstance(e, Reply) and e.text.strip()]
