"""The patient web portal through the Flask test client: the same service, records and messages as SMS."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from models.tables import Alert, Declaration, Message, Patient
from tests.integration.journeys import DOCTOR, TRAN_PHU_STAFF, code_in
from tests.support.fakes import Clock, RecordingSender
from tests.support.phone import Phone
from tests.support.portal import Browser, last_code, text_of

MOTHER = "+84987654321"
NEIGHBOUR = "+84903111222"
PAGE_LIMIT = 50 * 1024


@pytest.fixture
def visitor(client: FlaskClient) -> Browser:
    return Browser(client)


def _registered(visitor: Browser, sender: RecordingSender, phone: str, name: str = "Nguyễn Văn An") -> str:
    """Register by web up to the station's queue; the patient code."""
    visitor.register(phone, name=name)
    page = text_of(visitor.submit("/register/verify", {"code": last_code(sender, phone)}))
    return code_in(page.replace("(mã ", "(ma "))


def _accepted(visitor: Browser, sender: RecordingSender, phone: Callable[[str], Phone], number: str) -> str:
    code = _registered(visitor, sender, number)
    phone(DOCTOR).send(f"DUYET {code}")
    return code


def test_a_web_registration_is_the_sms_registration_with_its_code_and_the_stations_request(
    visitor: Browser, sender: RecordingSender, db: Engine
) -> None:
    page = visitor.register(MOTHER, risks=["chronic", "unvaccinated"], symptoms="yes")
    assert "/register/verify" in page.request.path
    assert "Mã 6 số đã được gửi" in text_of(page)
    code_sms = sender.sent[MOTHER][-1]
    page = visitor.submit("/register/verify", {"code": last_code(sender, MOTHER)})
    assert page.status_code == 200
    with Session(db) as session:
        patient = session.exec(select(Patient)).one()
        inbound = session.exec(select(Message).where(Message.direction == "in")).all()
    assert (patient.status, patient.phone, patient.risk_factors) == ("pending", MOTHER, ["chronic", "unvaccinated"])
    assert patient.symptoms is True
    assert f'data-registered="{patient.code}"' in page.get_data(as_text=True)
    assert "sẽ kiểm tra đăng ký của Nguyễn Văn An" in text_of(page)
    assert {m.channel for m in inbound} == {"web"}
    assert [m.body for m in inbound][:2] == ["DK", "Nguyễn Văn An"]
    assert all(f"DK moi {patient.code}" in sender.sent[staff][-1] for staff in TRAN_PHU_STAFF)
    assert "ma xac nhan" in code_sms.lower()


def test_a_relative_registers_another_number_and_the_code_goes_to_that_number(
    visitor: Browser, sender: RecordingSender
) -> None:
    visitor.register(NEIGHBOUR, name="Trần Thị Bình")
    assert last_code(sender, NEIGHBOUR)
    assert MOTHER not in sender.sent


def test_each_refused_answer_gets_the_sms_dialogs_own_message_with_diacritics(visitor: Browser) -> None:
    page = text_of(visitor.register("123", name="A1", dob="abc", area="xyz", test_date="zz", symptoms=""))
    assert "Chưa hiểu ngày sinh" in page
    assert 'Không tìm thấy "xyz"' in page
    assert '"123" không phải số di động' in page
    assert "Chưa hiểu ngày" in page
    assert "Gửi C nếu có triệu chứng" in page
    assert 'aria-invalid="true"' in page


def test_a_wrong_code_says_how_many_tries_are_left_and_the_registration_still_waits(
    visitor: Browser, sender: RecordingSender
) -> None:
    visitor.register(MOTHER)
    right = last_code(sender, MOTHER)
    wrong = "000000" if right != "000000" else "111111"
    page = text_of(visitor.submit("/register/verify", {"code": wrong}))
    assert "Mã không đúng. Còn 4 lần thử." in page
    page = text_of(visitor.submit("/register/verify", {"code": right}))
    assert "Đã đăng ký" in page


def test_a_post_without_the_csrf_token_is_refused(client: FlaskClient, sender: RecordingSender) -> None:
    client.get("/register")
    response = client.post("/register", data={"name": "Nguyen Van An", "phone": MOTHER})
    assert response.status_code == 400
    assert not sender.sent


def test_login_by_code_then_a_red_web_answer_alerts_the_station_and_shows_in_history(
    visitor: Browser, sender: RecordingSender, phone: Callable[[str], Phone], client: FlaskClient, db: Engine
) -> None:
    code = _accepted(visitor, sender, phone, MOTHER)
    other = Browser(client.application.test_client())
    assert other.get("/today").status_code == 302
    other.login(MOTHER, sender)
    before = len(sender.sent[DOCTOR])
    page = other.declare(spo2="93", breaths="24", pulse="100", temperature="38", breathless="yes", signs=["1", "3"])
    body = page.get_data(as_text=True)
    assert 'data-level="red"' in body
    assert 'href="tel:115"' in body
    assert "Trạm y tế đã được báo" in text_of(page)
    assert f"{code}: dấu hiệu nguy hiểm: SpO2 thấp (93%)" in text_of(page)
    assert len(sender.sent[DOCTOR]) == before + 1
    assert code in sender.sent[DOCTOR][-1]
    with Session(db) as session:
        declaration = session.exec(select(Declaration)).one()
        alert = session.exec(select(Alert)).one()
    assert (declaration.level, declaration.complete, declaration.answers["signs"]) == ("red", True, "13")
    assert alert.acknowledged_at is None
    history = other.get("/history").get_data(as_text=True)
    assert 'data-level="red"' in history
    assert "<svg" in history


def test_web_and_sms_declarations_are_one_record(
    visitor: Browser, sender: RecordingSender, phone: Callable[[str], Phone], clock: Clock
) -> None:
    _accepted(visitor, sender, phone, MOTHER)
    visitor.declare(spo2="98", temperature="37,5")
    reply = phone(MOTHER).send("LS")
    assert "98" in reply
    assert "37.5" in reply


def test_a_wrong_value_on_the_daily_form_gets_the_sms_reply_and_nothing_is_recorded(
    visitor: Browser, sender: RecordingSender, phone: Callable[[str], Phone], db: Engine
) -> None:
    _accepted(visitor, sender, phone, MOTHER)
    page = text_of(visitor.declare(spo2="150"))
    assert '"150" chưa đúng. (70-100, K nếu không có máy đo)' in page
    with Session(db) as session:
        assert session.exec(select(Declaration)).first() is None


def test_a_phone_sees_only_its_own_patients(
    visitor: Browser, sender: RecordingSender, phone: Callable[[str], Phone], client: FlaskClient
) -> None:
    mine = _accepted(visitor, sender, phone, MOTHER)
    neighbour = Browser(client.application.test_client())
    theirs = _accepted(neighbour, sender, phone, NEIGHBOUR)
    neighbour.login(NEIGHBOUR, sender)
    neighbour.submit("/choose", {"patient": mine})
    history = neighbour.get("/history").get_data(as_text=True)
    assert theirs in history
    assert mine not in history
    assert mine not in neighbour.get("/choose").get_data(as_text=True)


def test_an_unknown_number_gets_the_same_login_page_and_no_code(visitor: Browser, sender: RecordingSender) -> None:
    page = text_of(visitor.submit("/login", {"phone": "0933444555"}))
    assert "một mã 6 số vừa được gửi" in page
    assert not sender.sent


PAGES = ("/", "/register", "/login", "/guidance", "/today", "/history", "/choose", "/register?lang=en")


def test_every_portal_page_is_under_50_kb_without_scripts_or_outside_assets(
    visitor: Browser, sender: RecordingSender, phone: Callable[[str], Phone]
) -> None:
    _accepted(visitor, sender, phone, MOTHER)
    visitor.declare()
    for path in PAGES:
        response = visitor.get(path)
        body = response.get_data(as_text=True)
        assert response.status_code in (200, 302, 303), path
        assert len(response.get_data()) < PAGE_LIMIT, path
        assert "http://" not in body.replace('xmlns="http://www.w3.org/2000/svg"', ""), path
        assert "https://" not in body, path
        assert "<script" not in body, path


def test_a_phone_registered_from_the_web_too_often_is_told_to_wait_and_no_more_code_goes_out(
    visitor: Browser, sender: RecordingSender
) -> None:
    visitor.register(MOTHER)
    visitor.register(MOTHER)
    codes = len(sender.sent[MOTHER])
    page = visitor.register(MOTHER)
    assert page.status_code == 429
    assert "Quá nhiều yêu cầu từ số này" in text_of(page)
    assert len(sender.sent[MOTHER]) == codes


def test_a_new_code_on_request_and_the_old_one_no_longer_works(visitor: Browser, sender: RecordingSender) -> None:
    visitor.register(MOTHER)
    old = last_code(sender, MOTHER)
    page = text_of(visitor.submit("/register/verify", {"resend": "1"}))
    new = last_code(sender, MOTHER)
    assert len(sender.sent[MOTHER]) == 2
    assert 'role="alert"' not in page
    for _ in range(3):
        page = text_of(visitor.submit("/register/verify", {"resend": "1"}))
    assert "Da gui lai ma 3 lan" in page
    assert len(sender.sent[MOTHER]) == 4
    new = last_code(sender, MOTHER)
    if old != new:
        assert "Đã đăng ký" not in text_of(visitor.submit("/register/verify", {"code": old}))
    assert "Đã đăng ký" in text_of(visitor.submit("/register/verify", {"code": new}))


def test_a_household_chooses_its_patient_and_reports_for_that_one(
    visitor: Browser, sender: RecordingSender, phone: Callable[[str], Phone], db: Engine
) -> None:
    mother = _accepted(visitor, sender, phone, MOTHER)
    child = _registered(visitor, sender, MOTHER, name="Nguyễn Văn Bé")
    phone(DOCTOR).send(f"DUYET {child}")
    visitor.login(MOTHER, sender)
    choose = visitor.get("/choose").get_data(as_text=True)
    assert f'data-patient="{mother}"' in choose
    assert f'data-patient="{child}"' in choose
    visitor.submit("/choose", {"patient": child})
    assert "Nguyễn Văn Bé" in text_of(visitor.get("/today"))
    visitor.declare()
    with Session(db) as session:
        (declaration,) = session.exec(select(Declaration)).all()
        patient = session.exec(select(Patient).where(Patient.code == child)).one()
    assert declaration.patient_id == patient.id


def test_english_pages_with_the_english_advice(
    visitor: Browser, sender: RecordingSender, phone: Callable[[str], Phone]
) -> None:
    _accepted(visitor, sender, phone, MOTHER)
    assert "Patient's full name" in text_of(visitor.get("/register?lang=en"))
    page = text_of(visitor.declare(spo2="94"))
    assert "The station has been alerted" in page
    assert "low SpO2 (94%)" in page


def test_the_home_page_says_how_to_register_by_web_sms_and_ussd_and_whom_to_call(visitor: Browser) -> None:
    page = text_of(visitor.get("/"))
    assert "gửi DK" in page
    assert 'href="tel:115"' in page
    assert "Tram Y te phuong Tran Phu: " in page
    assert 'href="/guidance#topic-1"' in page


def test_a_database_that_cannot_take_the_message_gets_a_plain_page_with_115(
    visitor: Browser, sender: RecordingSender, phone: Callable[[str], Phone], db: Engine
) -> None:
    _accepted(visitor, sender, phone, MOTHER)
    token_page = visitor.get("/today")
    assert token_page.status_code == 200
    with db.begin() as conn:
        conn.exec_driver_sql("ALTER TABLE declaration RENAME TO declaration_away")
    try:
        page = visitor.declare()
    finally:
        with db.begin() as conn:
            conn.exec_driver_sql("ALTER TABLE declaration_away RENAME TO declaration")
    assert page.status_code == 503
    assert "Cấp cứu: gọi 115" in text_of(page)


def test_a_web_report_while_the_phone_is_in_the_middle_of_an_sms_dialog_is_still_a_report(
    visitor: Browser, sender: RecordingSender, phone: Callable[[str], Phone], db: Engine
) -> None:
    code = _accepted(visitor, sender, phone, MOTHER)
    phone(MOTHER).send("DK")  # registering a child by SMS: the name is asked
    page = visitor.declare(spo2="93")
    assert 'data-level="red"' in page.get_data(as_text=True)
    assert code in sender.sent[DOCTOR][-1]
    with Session(db) as session:
        assert session.exec(select(Declaration)).one().level == "red"
