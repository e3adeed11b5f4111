"""`POST /ussd` through the Flask app on SQLite and PostgreSQL: token, records, repeats, effects as by SMS."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from sqlalchemy.engine import Engine

from f0care.app import create_app
from f0care.config import Config
from f0care.config.ussd import UssdConfig
from f0care.runtime import Runtime, build_runtime
from models.tables import Alert, Contact, Declaration, Message, Patient
from tests.integration.journeys import DOCTOR, TRAN_PHU_STAFF, otp_in, rows
from tests.integration.test_scheduler_jobs import enrol
from tests.support.fakes import Clock, RecordingSender
from tests.support.phone import Phone

TOKEN = "ussd-test-token-" + "7c1e" * 4
CALLER = "+84977000111"
OTHER = "+84903111222"
RED = ("94", "24", "86", "37.5", "0", "0")
REGISTER_SELF = ("Nguyen Van An", "1980", "tran phu", "1", "hom nay", "2", "4")
_sessions = itertools.count(1)


@pytest.fixture
def config(config: Config) -> Config:
    """The shipped config with the USSD menu on."""
    return config.model_copy(update={"ussd": UssdConfig(enabled=True, service_code="*384*1234#", token=TOKEN)})


class Dialler:
    """One USSD session of a phone, as Africa's Talking posts it: the inputs so far joined by `*`."""

    def __init__(self, client: FlaskClient, number: str, session: str | None = None) -> None:
        self.client, self.number = client, number
        self.session = session or f"ATUid_{next(_sessions):08d}"
        self.inputs: list[str] = []

    def post(self, text: str, token: str | None = TOKEN) -> tuple[int, str]:
        url = "/ussd" if token is None else f"/ussd?token={token}"
        form = {"sessionId": self.session, "serviceCode": "*384*1234#", "phoneNumber": self.number, "text": text}
        response = self.client.post(url, data={**form, "networkCode": "45204"})
        return response.status_code, response.get_data(as_text=True)

    def dial(self) -> str:
        return self.press()

    def press(self, *inputs: str) -> str:
        self.inputs += inputs
        status, body = self.post("*".join(self.inputs))
        assert status == 200, (status, body)
        assert body.startswith(("CON ", "END ")), body
        return body


def dial(client: FlaskClient, number: str, *inputs: str) -> str:
    """A whole session: dial, then each input; the last answer."""
    session = Dialler(client, number)
    body = session.dial()
    for value in inputs:
        body = session.press(value)
    return body


def count(db: Engine, table: type[Message | Patient | Declaration | Alert | Contact]) -> int:
    return len(rows(db, table))


def test_a_wrong_or_missing_token_is_403_and_nothing_is_stored(client: FlaskClient, runtime: Runtime) -> None:
    session = Dialler(client, CALLER)
    for token in ("wrong-" + TOKEN, None, ""):
        assert session.post("9", token=token)[0] == 403
    assert count(runtime.db, Message) == count(runtime.db, Contact) == count(runtime.db, Alert) == 0


def test_the_menu_is_404_while_ussd_is_not_enabled(db: Engine, config: Config) -> None:
    off = build_runtime(config.model_copy(update={"ussd": UssdConfig()}), sender=RecordingSender(), db=db)
    assert Dialler(create_app(off).test_client(), CALLER).post("")[0] == 404


def test_the_answer_is_plain_text_con_then_end(client: FlaskClient) -> None:
    response = client.post(f"/ussd?token={TOKEN}", data={"sessionId": "s1", "phoneNumber": CALLER, "text": ""})
    assert response.mimetype == "text/plain"
    assert response.get_data(as_text=True).startswith("CON F0 tai nha\n1 Dang ky theo doi\n3 Huong dan\n9 Cap cuu")


def test_registering_the_dialling_phone_needs_no_code_and_reaches_the_station(
    client: FlaskClient, runtime: Runtime, sender: RecordingSender
) -> None:
    end = dial(client, CALLER, "1", *REGISTER_SELF)
    assert end.startswith("END Da xac nhan. Tram Y te phuong Tran Phu se kiem tra dang ky cua Nguyen Van An")
    [patient] = rows(runtime.db, Patient)
    assert (patient.phone, patient.status, patient.registered_by) == (CALLER, "pending", CALLER)
    assert CALLER not in sender.sent  # no one-time code
    assert all(f"DK moi {patient.code}: Nguyen Van An" in sender.sent[s][-1] for s in TRAN_PHU_STAFF)
    [inbound] = rows(runtime.db, Message, Message.direction == "in")
    assert (inbound.channel, inbound.body) == ("ussd", f"DK*Nguyen Van An*1980*Tran Phu*{CALLER}*hom nay*K*K")
    [reply] = rows(runtime.db, Message, Message.in_reply_to == inbound.id)
    assert (reply.channel, reply.kind, reply.body) == ("ussd", "reply", end.removeprefix("END "))


def test_another_number_gets_a_code_by_sms_and_the_caller_confirms_by_dialling_again(
    client: FlaskClient, runtime: Runtime, sender: RecordingSender
) -> None:
    end = dial(client, CALLER, "1", "Tran Thi Binh", "1950", "tran phu", "0903 111 222", "hom nay", "1", "13")
    assert end.startswith("END Da gui ma 6 so toi 0903***222.")
    assert not rows(runtime.db, Patient)
    code = otp_in(sender.sent[OTHER][-1])
    session = Dialler(client, CALLER)
    assert session.dial().startswith("CON Nhap ma 6 so da gui toi 0903***222, hoac chon:\n")
    assert session.press(code).startswith("END Da xac nhan. Tram Y te phuong Tran Phu")
    [patient] = rows(runtime.db, Patient)
    assert (patient.phone, patient.registered_by, patient.full_name) == (OTHER, CALLER, "Tran Thi Binh")
    typed = rows(runtime.db, Message, Message.direction == "in", Message.provider_sid == f"ussd-{session.session}-1")
    assert code not in typed[0].body  # a one-time code is not kept as typed


def test_the_code_for_another_number_may_be_sent_by_sms_instead(
    client: FlaskClient, runtime: Runtime, sender: RecordingSender, phone: Callable[[str], Phone]
) -> None:
    dial(client, CALLER, "1", "Tran Thi Binh", "1950", "tran phu", "0903111222", "hom nay", "2", "4")
    reply = phone(CALLER).send(otp_in(sender.sent[OTHER][-1]))
    assert reply.startswith("Da xac nhan.")
    assert len(rows(runtime.db, Patient)) == 1


def test_a_red_answer_alerts_the_clinic_by_sms_exactly_as_the_same_sms_does(
    client: FlaskClient,
    runtime: Runtime,
    sender: RecordingSender,
    clock: Clock,
    phone: Callable[[str], Phone],
) -> None:
    code = enrol(phone, "0977000111", "Nguyen Van An")
    end = dial(client, CALLER, "1", *RED)
    by_ussd = {s: sender.sent[s][-1] for s in TRAN_PHU_STAFF}
    assert by_ussd[DOCTOR].startswith(f"CANH BAO DO {code} Nguyen Van An")
    full_reply = sender.sent[CALLER][-1]  # the red reply is longer than a screen: it also goes by SMS
    assert end.startswith("END " + full_reply[:100])
    assert "115" in full_reply
    phone(DOCTOR).send(f"OK {code}")
    clock.advance(hours=1)
    sms_reply = phone(CALLER).send(" ".join(RED))
    assert {s: sender.sent[s][-1] for s in TRAN_PHU_STAFF} == by_ussd
    assert sms_reply == full_reply
    assert [a.level for a in rows(runtime.db, Alert)] == ["red", "red"]
    assert [d.level for d in rows(runtime.db, Declaration)] == ["red", "red"]


def test_a_repeated_post_gives_the_same_screen_and_stores_nothing_twice(
    client: FlaskClient, runtime: Runtime, sender: RecordingSender, phone: Callable[[str], Phone]
) -> None:
    enrol(phone, "0977000111", "Nguyen Van An")
    session = Dialler(client, CALLER)
    session.dial()
    first = session.press("1", "98")
    assert session.post("1*98") == (200, first)
    for value in ("18", "86", "37", "0"):
        session.press(value)
    end = session.press("0")
    staff_before = len(sender.log)
    assert session.post("*".join(session.inputs)) == (200, end)
    assert session.post("*".join(session.inputs)) == (200, end)
    assert len(sender.log) == staff_before
    assert len(rows(runtime.db, Declaration)) == 1
    assert len(rows(runtime.db, Message, Message.channel == "ussd", Message.direction == "in")) == 1


def test_a_session_dropped_half_way_stores_nothing(
    client: FlaskClient, runtime: Runtime, phone: Callable[[str], Phone]
) -> None:
    enrol(phone, "0977000111", "Nguyen Van An")
    before = count(runtime.db, Message)
    session = Dialler(client, CALLER)
    session.dial()
    session.press("1", "94", "24", "86")  # red so far; then the caller hangs up
    dial(client, "+84977000222", "1", "Le Van Cuong", "1990", "tran phu", "1")
    assert count(runtime.db, Message) == before
    assert not rows(runtime.db, Declaration)
    assert not rows(runtime.db, Alert)
    assert len(rows(runtime.db, Patient)) == 1


def test_emergency_9_raises_a_red_alert_as_cuu_does(
    client: FlaskClient, runtime: Runtime, sender: RecordingSender, phone: Callable[[str], Phone]
) -> None:
    code = enrol(phone, "0977000111", "Nguyen Van An")
    end = dial(client, CALLER, "9")
    assert end.startswith("END Da bao tram y te, se goi ngay.")
    assert "115" in end
    [alert] = rows(runtime.db, Alert)
    assert alert.level == "red"
    assert sender.sent[DOCTOR][-1].startswith(f"CANH BAO DO {code} Nguyen Van An")


def test_emergency_9_on_a_phone_with_no_patient_gives_115_and_the_stations(
    client: FlaskClient, runtime: Runtime, config: Config
) -> None:
    end = dial(client, CALLER, "9")
    assert end.startswith("END Neu rat kho tho, tim tai, ngat: goi ngay 115. Tram y te: ")
    assert config.clinics[0].phone in end
    assert not rows(runtime.db, Alert)


def test_guidance_3_n_ends_with_the_topic_and_the_full_text_by_sms(
    client: FlaskClient, runtime: Runtime, sender: RecordingSender
) -> None:
    assert dial(client, CALLER, "3").startswith("CON Huong dan, chon muc:\n1 ")
    end = dial(client, CALLER, "3", "2")
    full = sender.sent[CALLER][-1]
    assert full.startswith("Cham soc khi sot: ")
    assert len(end) <= len("END ") + 182
    assert end.startswith("END " + full[:120])
    assert end.endswith("... (du noi dung qua SMS)")


def test_history_2_ends_with_the_last_seven_days(client: FlaskClient, phone: Callable[[str], Phone]) -> None:
    code = enrol(phone, "0977000111", "Nguyen Van An")
    dial(client, CALLER, "1", "98", "18", "86", "37", "0", "0")
    end = dial(client, CALLER, "2")
    assert end.startswith(f"END LS {code}: 25/11 98 18 86 37 0 0 xanh")


def test_an_english_phone_gets_english_screens(client: FlaskClient, phone: Callable[[str], Phone]) -> None:
    enrol(phone, "0977000111", "Nguyen Van An")
    phone(CALLER).send("EN")
    assert dial(client, CALLER).startswith("CON F0 home care\n1 Declare today")
    assert dial(client, CALLER, "1").startswith("CON Question 1/6")
