"""Whole SMS threads, read as the phones see them, through the signed webhook."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime

from f0care.runtime import Runtime
from models.tables import Alert, Contact, Declaration, Patient
from tests.integration.journeys import (
    CLINIC_PHONE,
    DOCTOR,
    NURSE,
    OTHER_DOCTOR,
    PARENT,
    PATIENT,
    RELATIVE,
    TRAN_PHU_STAFF,
    UNKNOWN,
    accept,
    code_in,
    otp_in,
    register,
    rows,
)
from tests.support.fakes import Clock
from tests.support.phone import Phone

Phones = Callable[[str], Phone]


def test_a_relative_registers_a_parent_on_the_parents_own_mobile(phone: Phones, runtime: Runtime) -> None:
    relative, parent, doctor = phone(RELATIVE), phone(PARENT), phone(DOCTOR)
    assert "Ho ten" in relative.send("DK")
    assert "2/7" in relative.send("Tran Thi Binh")
    assert "3/7" in relative.send("1950")
    assert "4/7" in relative.send("Tran Phu")
    assert "5/7" in relative.send("0987 000 111")
    assert "6/7" in relative.send("hom nay")
    assert "7/7" in relative.send("K")
    sent = relative.send("1")
    assert "0987***111" in sent

    # The code went to the parent's phone, not to the relative's.
    assert len(parent.inbox) == 1
    assert "Tram Y te phuong Tran Phu" in parent.last_sms()
    assert "Tran Thi Binh" not in parent.last_sms()  # the typed name never reaches a third party
    assert relative.inbox == []
    assert otp_in(parent.last_sms()) not in sent

    confirmed = relative.send(otp_in(parent.last_sms()))
    code = code_in(confirmed)
    assert "Tram Y te phuong Tran Phu" in confirmed
    assert CLINIC_PHONE in confirmed
    request = doctor.last_sms()
    assert f"DUYET {code}" in request
    assert "Tran Thi Binh" in request
    assert "0987000111" in request
    assert "benh man tinh" in request
    assert "tu 50 tuoi" in request

    accept(doctor, code)
    welcome = parent.last_sms()
    assert f"Ma BN: {code}" in welcome
    assert "Tran Thi Binh" in welcome
    assert "10:00" in welcome
    assert relative.inbox == []
    (row,) = rows(runtime.db, Patient)
    assert (row.phone, row.registered_by, row.status) == (PARENT, RELATIVE, "active")

    # From now on the parent answers from her own phone.
    assert "binh thuong" in parent.send("98 18 80 36,8 0 0")


def test_one_phone_holding_a_parent_and_a_child_asks_for_whom_unless_the_code_is_given(
    phone: Phones, runtime: Runtime
) -> None:
    home, doctor = phone(PATIENT), phone(DOCTOR)
    mother = register(home, name="Nguyen Thi Hoa", birth="1985")
    child = register(home, name="Nguyen Minh Khoa", birth="2016")
    accept(doctor, mother)
    accept(doctor, child)

    asked = home.send("98 18 86 37 0 0")
    assert "Cho ai?" in asked
    assert f"1) Nguyen Thi Hoa {mother}" in asked
    assert f"2) Nguyen Minh Khoa {child}" in asked
    assert rows(runtime.db, Declaration) == []
    done = home.send("2")
    assert "Da ghi" in done
    assert child in done

    straight = home.send(f"{mother} 97 17 80 36.9 0 0")
    assert "Da ghi" in straight
    assert mother in straight
    assert "Cho ai" not in straight

    by_code = {p.id: p.code for p in rows(runtime.db, Patient)}
    assert sorted(by_code[d.patient_id] for d in rows(runtime.db, Declaration)) == sorted([mother, child])


def test_a_step_by_step_declaration_asks_again_after_a_wrong_answer(
    phone: Phones, runtime: Runtime, clock: Clock
) -> None:
    patient = phone(PATIENT)
    accept(phone(DOCTOR), register(patient))

    def answer(text: str) -> str:
        clock.advance(seconds=20)  # a person typing on a keypad
        return patient.send(text)

    assert "Cau 1/6" in answer("KB")
    assert "Cau 2/6" in answer("97")
    wrong = answer("nhanh lam")
    assert "chua dung" in wrong
    assert "Cau 2/6" in wrong
    assert "(5-80)" in wrong
    assert "Cau 2/6" in answer("200")
    assert "Cau 3/6" in answer("18")
    assert "Cau 4/6" in answer("84")
    assert "Cau 5/6" in answer("37,2")
    assert "Cau 6/6" in answer("K")
    done = answer("0")
    assert "Da ghi" in done
    assert "binh thuong" in done

    (declaration,) = rows(runtime.db, Declaration)
    assert declaration.complete
    assert declaration.level == "green"
    assert declaration.answers == {
        "spo2": 97.0,
        "breaths": 18.0,
        "pulse": 84.0,
        "temperature": 37.2,
        "breathless": 0.0,
        "signs": "0",
    }


def test_a_step_by_step_declaration_on_a_fixed_clock_keeps_every_answer(phone: Phones, runtime: Runtime) -> None:
    """Transcripts run on a fixed clock: two messages with the same `now` are still two messages."""
    patient = phone(PATIENT)
    accept(phone(DOCTOR), register(patient))

    assert "Cau 1/6" in patient.send("KB")
    assert "Cau 2/6" in patient.send("97")
    assert "Cau 3/6" in patient.send("18")
    for text in ("84", "37", "0"):
        patient.send(text)
    assert "Da ghi" in patient.send("0")
    (declaration,) = rows(runtime.db, Declaration)
    assert declaration.complete
    assert declaration.answers["pulse"] == 84.0


def _anonymised(text: str) -> str:
    """A reply with what differs between two phones (masked number, patient code) blanked out."""
    text = re.sub(r"\b0\d{3}\*{3}\d{3}\b", "<phone>", text)
    return re.sub(r"\b(ma|code) [A-Z][A-Z2-9]{4}\b", r"\1 <code>", text)


def test_a_thread_with_vietnamese_diacritics_reads_the_same_as_without(phone: Phones, runtime: Runtime) -> None:
    plain, marked = phone(PATIENT), phone("+84977111222")
    thread_plain = ["DANG KY", "Nguyen Van An", "1980", "Tran Phu", "NAY", "hom nay", "KHONG", "khong"]
    thread_marked = ["ĐĂNG KÝ", "Nguyễn Văn An", "1980", "Trần Phú", "NAY", "hôm nay", "KHÔNG", "không"]
    for a, b in zip(thread_plain, thread_marked, strict=True):
        assert _anonymised(plain.send(a)) == _anonymised(marked.send(b)), (a, b)

    plain.send(otp_in(plain.last_sms()))
    marked.send(otp_in(marked.last_sms()))
    assert _anonymised(plain.last_reply()) == _anonymised(marked.last_reply())
    assert "Nguyen Van An" in marked.last_reply()  # folded to GSM-7 for the phone

    patients = {p.phone: p for p in rows(runtime.db, Patient)}
    assert patients[PATIENT].area == patients["+84977111222"].area == "Tran Phu"
    assert patients[PATIENT].clinic_id == patients["+84977111222"].clinic_id == "tyt-tran-phu"
    assert patients["+84977111222"].symptoms is False
    assert patients["+84977111222"].risk_factors == []

    doctor = phone(DOCTOR)
    accept(doctor, patients[PATIENT].code)
    accept(doctor, patients["+84977111222"].code)
    assert _anonymised(plain.send("KB")) == _anonymised(marked.send("KB"))
    assert _anonymised(plain.send("KHONG")) == _anonymised(marked.send("KHÔNG"))  # no oximeter


def test_after_en_the_whole_thread_is_in_english(phone: Phones, runtime: Runtime) -> None:
    patient, doctor = phone(PATIENT), phone(DOCTOR)
    assert "English" in patient.send("EN")
    assert "Patient's full name" in patient.send("DK")
    assert "Date or year of birth" in patient.send("John Nguyen")
    assert "Ward or commune" in patient.send("1980")
    assert "Mobile number" in patient.send("Tran Phu")
    assert "Date of the positive test" in patient.send("NAY")
    assert "Any symptoms" in patient.send("today")
    assert "Risk factors" in patient.send("N")
    assert "6-digit code was sent" in patient.send("N")
    assert "the code to confirm" in patient.last_sms()
    confirmed = patient.send(otp_in(patient.last_sms()))
    assert "Confirmed." in confirmed
    code = code_in(confirmed)

    accept(doctor, code)
    assert f"Patient code: {code}" in patient.last_sms()
    assert "Saved" in patient.send("98 18 86 37 0 0")
    assert "Result: normal" in patient.last_reply()
    assert "History" in patient.send("LS")
    assert "Every day send 6 numbers" in patient.send("HELP")
    assert "Da chuyen sang tieng Viet" in patient.send("VI")
    assert (rows(runtime.db, Contact, Contact.phone == PATIENT)[0].language, rows(runtime.db, Patient)[0].language) == (
        "vi",
        "vi",
    )


def test_a_rejection_with_a_reason_reaches_the_registrant_with_the_clinic_phone(
    phone: Phones, runtime: Runtime
) -> None:
    relative, parent, doctor = phone(RELATIVE), phone(PARENT), phone(DOCTOR)
    code = register(relative, name="Tran Thi Binh", birth="1950", mobile="0987000111", otp_phone=parent)

    assert "Can ly do" in doctor.send(f"TUCHOI {code}")
    reply = doctor.send(f"TUCHOI {code} dia chi o ngoai phuong")
    assert "Da tu choi" in reply
    assert code in reply

    notice = relative.last_sms()
    assert "dia chi o ngoai phuong" in notice
    assert CLINIC_PHONE in notice
    assert "Tran Thi Binh" in notice
    (row,) = rows(runtime.db, Patient)
    assert row.status == "rejected"
    assert row.rejected_reason == "dia chi o ngoai phuong"
    assert row.decided_by == "BS Lan"
    assert [m for m in parent.inbox if "Ma BN" in m] == []


def test_when_two_staff_accept_the_same_patient_the_second_is_told_who_already_did(
    phone: Phones, runtime: Runtime
) -> None:
    patient, doctor, nurse = phone(PATIENT), phone(DOCTOR), phone(NURSE)
    code = register(patient)

    assert "Da duyet" in doctor.send(f"DUYET {code}")
    late = nurse.send(f"DUYET {code}")
    assert "Da duyet" not in late
    assert code in late
    assert "BS Lan" in late
    assert "xu ly" in late

    late_reject = nurse.send(f"TUCHOI {code} trung lap")
    assert "BS Lan" in late_reject
    assert "Da tu choi" not in late_reject
    assert len([m for m in patient.inbox if "Ma BN" in m]) == 1
    (row,) = rows(runtime.db, Patient)
    assert (row.status, row.decided_by, row.decided_by_phone) == ("active", "BS Lan", DOCTOR)


def test_staff_of_another_clinic_cannot_accept_acknowledge_or_see_a_patient(phone: Phones, runtime: Runtime) -> None:
    patient, stranger = phone(PATIENT), phone(OTHER_DOCTOR)
    code = register(patient, name="Nguyen Van An")

    for command in (f"DUYET {code}", f"TUCHOI {code} khong ro", f"OK {code}", f"LS {code}", f"KB {code}"):
        reply = stranger.send(command)
        assert "Nguyen Van An" not in reply, (command, reply)
        assert "0987" not in reply, (command, reply)
    assert rows(runtime.db, Patient)[0].status == "pending"

    accept(phone(DOCTOR), code)
    patient.send("CUU")
    assert "Nguyen Van An" in phone(DOCTOR).last_sms()
    assert stranger.inbox == []  # alerts only go to the patient's own clinic
    assert "Nguyen Van An" not in stranger.send(f"OK {code}")
    (alert,) = rows(runtime.db, Alert)
    assert alert.acknowledged_at is None
    assert "Da nhan" in phone(NURSE).send(f"OK {code}")


def test_staff_commands_from_a_number_that_is_not_staff_do_nothing(phone: Phones, runtime: Runtime) -> None:
    patient, stranger = phone(PATIENT), phone(UNKNOWN)
    code = register(patient)
    for command in (f"DUYET {code}", f"TUCHOI {code} khong", f"OK {code}"):
        reply = stranger.send(command)
        assert "Nguyen Van An" not in reply, (command, reply)
        assert "Da duyet" not in reply, (command, reply)
    assert "Da duyet" not in patient.send(f"DUYET {code}")  # nor can the patient accept herself
    (row,) = rows(runtime.db, Patient)
    assert row.status == "pending"
    assert row.decided_by is None


def test_sending_dk_again_when_asked_for_the_name_starts_over_and_registers_nobody_called_dk(
    phone: Phones, runtime: Runtime
) -> None:
    """A second DK (a slow network, an impatient thumb) is the keyword again, not a patient's full name."""
    patient = phone(PATIENT)
    assert "1/7" in patient.send("DK")
    again = patient.send("DK")
    assert "1/7" in again
    assert "2/7" not in again
    assert "2/7" in patient.send("Nguyen Van An")
    for text in ("1980", "Tran Phu", "NAY", "hom nay", "K", "K"):
        patient.send(text)
    patient.send(otp_in(patient.last_sms()))
    assert [p.full_name for p in rows(runtime.db, Patient)] == ["Nguyen Van An"]


def test_stop_and_start_are_recorded_on_the_contact(phone: Phones, runtime: Runtime, clock: Clock) -> None:
    patient = phone(PATIENT)
    accept(phone(DOCTOR), register(patient))

    assert "START" in patient.send("STOP")
    (contact,) = rows(runtime.db, Contact, Contact.phone == PATIENT)
    assert contact.opted_out
    assert contact.opted_out_at == clock.now
    assert rows(runtime.db, Patient)[0].status == "active"  # records kept

    clock.advance(days=1)
    assert "bat lai" in patient.send("START")
    (contact,) = rows(runtime.db, Contact, Contact.phone == PATIENT)
    assert not contact.opted_out
    assert contact.opted_out_at is None


def test_history_shows_the_days_that_have_declarations(phone: Phones, runtime: Runtime, clock: Clock) -> None:
    patient = phone(PATIENT)
    code = register(patient)
    accept(phone(DOCTOR), code)

    assert "chua co khai bao" in patient.send("LS")
    patient.send("98 18 86 37 0 0")  # Wed 25/11
    clock.advance(days=1)
    patient.send("97 19 90 38,6 0 4")  # Thu 26/11
    clock.advance(days=2)
    patient.send("95 18 86 37 0 0")  # Sat 28/11, red
    history = patient.send("LS")

    assert history.startswith(f"LS {code}")
    assert "28/11 95 18 86 37 0 0 do" in history
    assert "27/11 -" in history
    assert "26/11 97 19 90 38.6 0 4 vang" in history
    assert "25/11 98 18 86 37 0 0 xanh" in history
    assert len(history) <= 306


def test_an_unknown_number_saying_hello_is_told_how_to_register(phone: Phones, runtime: Runtime) -> None:
    reply = phone(UNKNOWN).send("xin chao")
    assert "DK" in reply
    assert "dang ky" in reply
    assert rows(runtime.db, Patient) == []


def test_a_declaration_belongs_to_the_local_date_of_ho_chi_minh_city(
    phone: Phones, runtime: Runtime, clock: Clock
) -> None:
    patient = phone(PATIENT)
    accept(phone(DOCTOR), register(patient))

    clock.now = datetime(2026, 11, 25, 16, 30, tzinfo=UTC)  # 23:30 on the 25th in Hanoi
    assert "25/11" in patient.send("98 18 86 37 0 0")
    clock.now = datetime(2026, 11, 25, 17, 30, tzinfo=UTC)  # 00:30 on the 26th in Hanoi, same UTC day
    assert "26/11" in patient.send("98 18 86 37 0 0")

    days = sorted(d.local_date for d in rows(runtime.db, Declaration))
    assert days == [date(2026, 11, 25), date(2026, 11, 26)]


def test_a_red_answer_alerts_every_staff_member_of_the_clinic_once(
    phone: Phones, runtime: Runtime, clock: Clock
) -> None:
    patient = phone(PATIENT)
    code = register(patient)
    accept(phone(DOCTOR), code)
    patient.send("KB")
    clock.advance(seconds=30)
    assert "dau hieu nguy hiem" in patient.send("92")  # red at the first answer: staff told at once
    for staff in TRAN_PHU_STAFF:
        assert "CANH BAO DO" in phone(staff).last_sms()
    for answer in ("18", "86", "37", "0"):
        clock.advance(seconds=30)
        assert "Cau" in patient.send(answer)
    clock.advance(seconds=30)
    assert "115" in patient.send("0")
    assert len(rows(runtime.db, Alert)) == 1
    assert all(len([m for m in phone(s).inbox if "CANH BAO" in m]) == 1 for s in TRAN_PHU_STAFF)
