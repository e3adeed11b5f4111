"""A whole USSD request read by the engine: the SMS effects, registration without and with a code."""

from __future__ import annotations

from dialogs.effects import CreatePatient, RaiseAlert, RecordDeclaration, Reply, SendSms
from dialogs.engine import advance
from dialogs.program import Program
from dialogs.state import Context, Conversation, State, Step
from dialogs.ussd_menu import too_long
from dialogs.ussd_request import handle
from tests.unit.conftest import (
    NOW,
    OTP,
    RELATIVE_PHONE,
    STRANGER_PHONE,
    TRAN_PHU_STAFF,
    context,
    of_type,
    patient,
    replies,
    sms,
)

AN = patient()
SELF = f"DK*Nguyen Van An*1980*Tran Phu*{STRANGER_PHONE}*hom nay*K*K"
OTHER = f"DK*Tran Thi Binh*1950*Tran Phu*{RELATIVE_PHONE}*hom nay*C*13"


def stranger(program: Program) -> Context:
    return context(program, phone=STRANGER_PHONE)


def test_registering_the_dialling_phone_needs_no_code_and_goes_to_the_station(program: Program) -> None:
    step = handle(Conversation(), SELF, stranger(program), NOW)
    [created] = of_type(step.effects, CreatePatient)
    assert (created.phone, created.registered_by, created.status) == (STRANGER_PHONE, STRANGER_PHONE, "pending")
    assert not sms(step, "otp")
    assert sorted(s.to for s in sms(step, "staff")) == sorted(TRAN_PHU_STAFF)
    assert "Tram Y te phuong Tran Phu se kiem tra" in replies(step)[0]
    assert step.conversation == Conversation()


def test_registering_another_number_sends_it_a_code_and_waits_for_it(program: Program) -> None:
    step = handle(Conversation(), OTHER, stranger(program), NOW)
    [code] = sms(step, "otp")
    assert code.to == RELATIVE_PHONE
    assert code.sensitive
    assert OTP in code.text
    assert not of_type(step.effects, CreatePatient)
    assert step.conversation.state is State.REG_OTP
    assert "bang SMS" in replies(step)[0]
    assert "quay lai menu" in replies(step)[0]


def test_the_code_entered_by_dialling_again_completes_that_registration(program: Program) -> None:
    waiting = handle(Conversation(), OTHER, stranger(program), NOW).conversation
    step = handle(waiting, OTP, stranger(program), NOW)
    [created] = of_type(step.effects, CreatePatient)
    assert (created.full_name, created.phone, created.risk_factors) == (
        "Tran Thi Binh",
        RELATIVE_PHONE,
        ("chronic", "unvaccinated"),
    )
    assert step.conversation == Conversation()


def test_the_code_sent_by_sms_completes_it_too(program: Program) -> None:
    waiting = handle(Conversation(), OTHER, stranger(program), NOW).conversation
    step = advance(waiting, OTP, stranger(program), NOW)
    assert len(of_type(step.effects, CreatePatient)) == 1


def test_a_declaration_has_exactly_the_effects_of_the_same_sms(program: Program) -> None:
    red = "K7M2Q 94 24 86 37.5 0 0"
    by_ussd = handle(Conversation(), red, context(program, AN), NOW)
    by_sms = advance(Conversation(), red, context(program, AN), NOW)
    assert [e for e in by_ussd.effects if not isinstance(e, SendSms) or e.kind != "reply"] == list(by_sms.effects)
    assert of_type(by_ussd.effects, RaiseAlert)
    assert of_type(by_ussd.effects, RecordDeclaration)


def test_a_request_leaves_the_sms_dialog_in_progress_as_it_was(program: Program) -> None:
    declaring = advance(Conversation(), "KB", context(program, AN), NOW).conversation
    assert declaring.state is State.DECLARING
    step = handle(declaring, "K7M2Q 98 18 86 37 0 0", context(program, AN), NOW)
    assert len(of_type(step.effects, RecordDeclaration)) == 1
    assert step.conversation == declaring


def test_emergency_alerts_the_clinic_as_cuu_does(program: Program) -> None:
    step = handle(Conversation(), "CUU", context(program, AN), NOW)
    assert step.effects == advance(Conversation(), "CUU", context(program, AN), NOW).effects
    assert "115" in replies(step)[0]


def test_emergency_on_a_phone_with_no_patient_gives_115_and_the_stations_numbers(program: Program) -> None:
    step = handle(Conversation(), "CUU", stranger(program), NOW)
    [reply] = replies(step)
    assert "115" in reply
    assert program.clinics[0].phone in reply
    assert not of_type(step.effects, RaiseAlert)


def test_guidance_works_on_a_phone_with_no_patient_and_a_long_topic_also_goes_by_sms(program: Program) -> None:
    step = handle(Conversation(), "HD 1", stranger(program), NOW)
    [reply] = replies(step)
    assert reply.startswith(program.guidance[0].title["vi"].split()[0])
    assert too_long(reply)
    [copy] = sms(step, "reply")
    assert (copy.to, copy.text) == (STRANGER_PHONE, reply)


def test_a_reply_that_fits_the_screen_is_not_sent_by_sms(program: Program) -> None:
    step: Step = handle(Conversation(), "LS K7M2Q", context(program, AN), NOW)
    assert not sms(step, "reply")
    assert [e for e in step.effects if isinstance(e, Reply)]
