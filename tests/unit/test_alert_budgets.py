"""One open alert per patient, the ladder per patient, names and code budgets: decided without a database."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from dialogs import otp
from dialogs.alert_collapse import OpenAlertView, collapse
from dialogs.alerts import red_alert
from dialogs.drafts import RegistrationDraft
from dialogs.effects import AddToAlert, Effect, RaiseAlert, SendSms
from dialogs.limits import CodeUsage
from dialogs.names import clean_name, looks_like_contact
from dialogs.program import Program
from dialogs.rules.ladder import climb
from dialogs.rules.rows import OpenAlert
from dialogs.state import Conversation, PatientView, State
from tests.unit.conftest import CODE, NOW, PATIENT_PHONE, RELATIVE_PHONE, TRAN_PHU, TRAN_PHU_STAFF, context, patient
from tests.unit.rules_support import ONCALL, local, settings

OTHERS = ("B3CHD", "C4PND", "D5QRS", "E6TUV")


def alerts_of(program: Program, *patients: PatientView, reason: str = "CUU") -> list[Effect]:
    return [e for p in patients for e in red_alert(p, reason, program, NOW, "sos")]


def staff_sms(effects: tuple[Effect, ...]) -> list[SendSms]:
    return [e for e in effects if isinstance(e, SendSms) and e.kind == "alert"]


def test_alerts_for_five_patients_of_one_phone_reach_each_staff_member_as_one_sms(program: Program) -> None:
    five = [patient(CODE)] + [patient(code, f"Nguoi {code}") for code in OTHERS]
    effects = collapse(alerts_of(program, *five), {}, {p.code: p for p in five}, program, NOW)
    pages = staff_sms(effects)
    assert sorted(s.to for s in pages) == sorted(TRAN_PHU_STAFF)
    assert all(code in pages[0].text for code in (CODE, *OTHERS[:3]))
    assert "+1" in pages[0].text
    assert len([e for e in effects if isinstance(e, RaiseAlert)]) == 5


def test_a_red_sign_while_the_alert_is_open_is_added_to_it_and_pages_nobody_within_the_repeat_time(
    program: Program,
) -> None:
    an = patient()
    opened = {CODE: OpenAlertView(CODE, NOW - timedelta(minutes=9))}
    effects = collapse(alerts_of(program, an), opened, {CODE: an}, program, NOW)
    assert effects == (AddToAlert(CODE, "CUU", "sos", paged=False),)


def test_after_the_repeat_time_staff_get_one_follow_up_saying_what_is_new(program: Program) -> None:
    an = patient()
    opened = {CODE: OpenAlertView(CODE, NOW - timedelta(minutes=10), ("SpO2 91",))}
    effects = collapse(alerts_of(program, an, reason="kho tho"), opened, {CODE: an}, program, NOW)
    assert AddToAlert(CODE, "kho tho", "sos", paged=True) in effects
    follow_ups = staff_sms(effects)
    assert [s.to for s in follow_ups] == list(TRAN_PHU_STAFF)
    assert "SpO2 91; kho tho" in follow_ups[0].text
    assert follow_ups[0].text.startswith(f"THEM vao canh bao do {CODE}")


def test_the_repeat_time_is_the_configured_one(program: Program) -> None:
    slow = replace(program, budgets=replace(program.budgets, alert_repeat_minutes=30))
    an = patient()
    opened = {CODE: OpenAlertView(CODE, NOW - timedelta(minutes=20))}
    assert staff_sms(collapse(alerts_of(slow, an), opened, {CODE: an}, slow, NOW)) == []


def test_an_alert_of_a_pending_registration_says_it_is_not_accepted_and_how_to_accept(program: Program) -> None:
    pending = patient(status="pending")
    pages = [e for e in red_alert(pending, "SpO2 93", program, NOW) if isinstance(e, SendSms)]
    assert all("CHUA DUYET" in p.text and f"OK {CODE}" in p.text and f"DUYET {CODE}" in p.text for p in pages)


def waiting(alert_id: int, code: str, step: int = 0, patient_id: int | None = None) -> OpenAlert:
    raised = local(26, "08:00")
    return OpenAlert(
        alert_id, step, raised, "CUU", patient_id or alert_id, code, f"Nguoi {code}", PATIENT_PHONE, TRAN_PHU
    )


def test_the_on_call_gets_one_message_per_ladder_step_listing_every_patient_waiting(program: Program) -> None:
    eighty = [waiting(i, CODE if i == 1 else OTHERS[i % 4], step=1) for i in range(1, 81)]
    moves = climb(eighty, local(26, "09:00"), settings(program))
    assert len(moves) == 80
    assert all(m.to_step == 2 for m in moves)
    messages = [m for move in moves for m in move.messages]
    assert [m.to for m in messages] == [ONCALL]
    assert "80 canh bao do" in messages[0].text


def test_the_clinic_gets_one_reminder_each_for_several_patients_and_a_patients_alerts_are_named_once(
    program: Program,
) -> None:
    two_of_one = [waiting(1, CODE, patient_id=5), waiting(2, CODE, patient_id=5), waiting(3, "B3CHD")]
    moves = climb(two_of_one, local(26, "09:00"), settings(program))
    messages = [m for move in moves for m in move.messages]
    assert sorted(m.to for m in messages) == sorted(TRAN_PHU_STAFF)
    assert "2 canh bao do" in messages[0].text
    assert messages[0].text.count(CODE) == 1


@pytest.mark.parametrize("name", ["Nguyen Van An", "Hoàng-Lê Thị Mai", "O'Neil", "Ng. Van An", "Иван Петров", "李小龍"])
def test_names_of_any_script_with_joiners_between_letters_are_accepted(name: str) -> None:
    assert clean_name(name) == name


@pytest.mark.parametrize(
    "text", ["Nhan qua tai evil.example/VN", "a@b.vn", "goi 0912345678", "https x", "www.abc.vn", "An -- Binh", "-An"]
)
def test_links_emails_phones_and_stray_joiners_are_not_names(text: str) -> None:
    assert clean_name(text) is None


def test_a_link_is_told_apart_from_a_plain_bad_name() -> None:
    assert looks_like_contact("evil.example/VN")
    assert not looks_like_contact("An")


def draft(phone: str) -> RegistrationDraft:
    return RegistrationDraft(name="Nguyen Van An", phone=phone, clinic_id=TRAN_PHU, area="Tran Phu")


def issue(program: Program, target: str, codes: CodeUsage) -> list[Effect]:
    ctx = context(program, phone=RELATIVE_PHONE, codes=codes)
    conv = Conversation(State.REG_OTP, draft(target), NOW)
    return list(otp.issue(conv, draft(target), ctx, program.texts("vi"), NOW).effects)


def test_no_code_goes_to_a_foreign_number(program: Program) -> None:
    effects = issue(program, "+4915123456789", CodeUsage())
    assert not [e for e in effects if isinstance(e, SendSms)]


def test_a_fourth_other_number_in_a_day_gets_no_code_but_a_known_one_and_the_own_phone_do(program: Program) -> None:
    three = CodeUsage(other_numbers_today=("+84987000001", "+84987000002", "+84987000003"))
    assert not [e for e in issue(program, "+84987000004", three) if isinstance(e, SendSms)]
    assert [e for e in issue(program, "+84987000002", three) if isinstance(e, SendSms)]
    assert [e for e in issue(program, RELATIVE_PHONE, three) if isinstance(e, SendSms)]


def test_beyond_the_hourly_budget_the_supervisors_are_told_once(program: Program) -> None:
    spent = CodeUsage(service_last_hour=200)
    told = [e for e in issue(program, PATIENT_PHONE, spent) if isinstance(e, SendSms)]
    assert told
    assert all(e.kind == otp.BUDGET_KIND for e in told)
    again = issue(program, PATIENT_PHONE, replace(spent, supervisors_told=True))
    assert not [e for e in again if isinstance(e, SendSms)]
