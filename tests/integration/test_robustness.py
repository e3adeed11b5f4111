"""Whatever arrives at the webhook, the sender gets an answer: never silence, never a 5xx."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from xml.etree import ElementTree

import pytest
from flask.testing import FlaskClient
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from f0care.cli.simulator import WEBHOOK
from f0care.config import Config
from f0care.runtime import Runtime
from models.db import make_engine
from models.tables import Message, Patient
from tests.integration.journeys import DOCTOR, PATIENT, UNKNOWN, accept, register, rows
from tests.support.fakes import Clock
from tests.support.phone import Phone
from tests.support.signing import webhook_signature

Phones = Callable[[str], Phone]
_sids = itertools.count(1)

KEYWORDS = [
    "DK", "DANG KY", "KB", "LS", "HD", "CUU", "SOS", "HUY", "STOP", "START", "EN", "VI", "GUI LAI", "TRO GIUP",
    "DUYET", "TUCHOI", "OK", "NAY", "?",
]  # fmt: skip
ODD = [
    "",
    " ",
    "\x00",
    "\x00DK\x00",
    "\x01\x02\x1b[31m\x7f",
    "\r\n\t",
    "a" * 1600,
    "Ư" * 1600,
    "😷🤒🆘" * 200,
    "مرحبا بالعالم",
    "\u202eKD\u202c",
    "שלום 98 18 86 37 0 0",
    "<Response><Message>x</Message></Response>",
    "]]><!--",
    "&amp; &#0; &",
    "98 18 86 37,5 0 0 " * 40,
    "DK 0912345678 " + "A" * 300 + ", 1980, Tran Phu",
    "OK " + "Z" * 500,
    "DUYET \x00\x00\x00",
    "9" * 400,
    "1e308 1e308 1e308 nan inf -0",
    "37,5,,,;;;",
    "ĐĂNG KÝ\u0301\u0301\u0301",
]

bodies = st.one_of(
    st.text(max_size=200),
    st.text(st.characters(codec="utf-8"), min_size=1500, max_size=1700),
    st.builds(lambda k, t: f"{k} {t}", st.sampled_from(KEYWORDS), st.text(max_size=40)),
    st.builds(
        lambda xs: " ".join(xs),
        st.lists(
            st.one_of(st.integers(-10, 300).map(str), st.sampled_from(["37,5", "K", "C", "x", "0", "13"])), max_size=9
        ),
    ),
)


def post(client: FlaskClient, config: Config, params: dict[str, str]) -> tuple[int, str]:
    signature = webhook_signature(config.webhook_auth_token, config.service.public_url, params)
    response = client.post(WEBHOOK, data=params, headers={"X-Twilio-Signature": signature})
    return response.status_code, response.get_data(as_text=True)


def sms(number: str, body: str) -> dict[str, str]:
    return {"From": number, "To": "+84900000000", "Body": body, "MessageSid": f"SMrob{next(_sids):029d}"}


def assert_answered(status: int, twiml: str) -> None:
    assert status == 200, twiml
    messages = [m.text or "" for m in ElementTree.fromstring(twiml).iter("Message")]
    assert messages, twiml
    assert all(m.strip() for m in messages), twiml


def assert_handled(status: int, twiml: str) -> None:
    """Answered by the dialogs themselves, not by the apology for an internal failure."""
    assert_answered(status, twiml)
    assert "he thong dang loi" not in twiml, twiml


@pytest.fixture
def active_patient(phone: Phones) -> str:
    code = register(phone(PATIENT))
    accept(phone(DOCTOR), code)
    return code


ROBUST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def with_odd_examples(test: Callable[..., None]) -> Callable[..., None]:
    for body in reversed(ODD):
        test = example(body=body)(test)
    return test


@ROBUST
@given(body=bodies)
@with_odd_examples
def test_an_unknown_number_always_gets_an_answer(client: FlaskClient, config: Config, clock: Clock, body: str) -> None:
    clock.advance(seconds=30)  # under limits.inbound_per_phone (30 in 10 minutes): every message read
    assert_handled(*post(client, config, sms(UNKNOWN, body)))


@ROBUST
@given(body=bodies)
@with_odd_examples
def test_an_active_patient_always_gets_an_answer(
    client: FlaskClient, config: Config, clock: Clock, active_patient: str, body: str
) -> None:
    clock.advance(seconds=30)  # under limits.inbound_per_phone (30 in 10 minutes): every message read
    assert_handled(*post(client, config, sms(PATIENT, body)))


@ROBUST
@given(body=bodies)
@with_odd_examples
def test_a_staff_member_always_gets_an_answer(
    client: FlaskClient, config: Config, clock: Clock, active_patient: str, body: str
) -> None:
    clock.advance(seconds=30)  # under limits.inbound_per_phone (30 in 10 minutes): every message read
    assert_handled(*post(client, config, sms(DOCTOR, body)))


# --- malformed forms -------------------------------------------------------------------------------


def test_a_form_without_from_is_a_clear_client_error(client: FlaskClient, config: Config, runtime: Runtime) -> None:
    params = {"To": "+84900000000", "Body": "DK", "MessageSid": "SM" + "f" * 32}
    status, _ = post(client, config, params)
    assert 400 <= status < 500
    assert rows(runtime.db, Message) == []


def test_a_form_with_an_empty_from_is_a_clear_client_error(client: FlaskClient, config: Config) -> None:
    status, _ = post(client, config, {"From": "", "Body": "DK", "MessageSid": "SM" + "e" * 32})
    assert 400 <= status < 500


def test_a_form_without_body_is_answered(client: FlaskClient, config: Config) -> None:
    assert_answered(*post(client, config, {"From": UNKNOWN, "To": "+84900000000", "MessageSid": "SM" + "b" * 32}))


def test_a_form_without_message_sid_is_answered_and_stored(
    client: FlaskClient, config: Config, runtime: Runtime
) -> None:
    assert_answered(*post(client, config, {"From": UNKNOWN, "Body": "DK"}))
    assert len(rows(runtime.db, Message, Message.direction == "in")) == 1


def test_a_form_with_twilios_extra_fields_is_answered(client: FlaskClient, config: Config) -> None:
    params = {
        **sms(UNKNOWN, "DK"),
        "AccountSid": "AC" + "0" * 32,
        "MessagingServiceSid": "MG" + "0" * 32,
        "NumMedia": "0",
        "NumSegments": "1",
        "SmsStatus": "received",
        "FromCountry": "VN",
        "FromCity": "",
        "ApiVersion": "2010-04-01",
        "Unexpected": "\x00" * 10,
    }
    assert_answered(*post(client, config, params))


@pytest.mark.parametrize(
    "sender", ["abc", "+", "0", "+999999999999999999999999", "whatsapp:+84987654321", "0987 654 321", "\x00"]
)
def test_a_strange_sender_number_gets_a_reply_or_a_client_error(
    client: FlaskClient, config: Config, sender: str
) -> None:
    status, twiml = post(client, config, sms(sender, "DK"))
    if status == 200:
        assert_answered(status, twiml)
    else:
        assert 400 <= status < 500, status


def test_a_non_form_body_is_refused_without_a_server_error(client: FlaskClient, config: Config) -> None:
    response = client.post(
        WEBHOOK,
        data=b'{"From": "+84987654321", "Body": "DK"}',
        content_type="application/json",
        headers={"X-Twilio-Signature": webhook_signature(config.webhook_auth_token, config.service.public_url, {})},
    )
    assert 400 <= response.status_code < 500


def test_a_get_on_the_webhook_is_not_allowed(client: FlaskClient) -> None:
    assert client.get(WEBHOOK).status_code == 405


def test_while_the_database_is_down_the_webhook_answers_503_never_200_with_an_apology(
    client: FlaskClient, config: Config, runtime: Runtime
) -> None:
    """Issue 16: a 200 means stored; Twilio answers a 503 from the number's fallback URL (see README)."""
    working, runtime.db = runtime.db, make_engine("sqlite:////nonexistent-f0care-dir/sub/f0care.db")
    try:
        status, twiml = post(client, config, sms(PATIENT, "98 18 86 37 0 0"))
    finally:
        runtime.db.dispose()
        runtime.db = working
    assert status == 503, twiml
    assert [m.text for m in ElementTree.fromstring(twiml).iter("Message")] == []


@pytest.mark.parametrize("name", ["Nguyen " * 60, "X"], ids=["420-characters", "one-letter"])
def test_a_staff_registration_with_an_impossible_name_gets_the_format_and_creates_nobody(
    phone: Phones, runtime: Runtime, name: str
) -> None:
    """The same name rule as self-registration (2-60 letters): the column holds 80, the welcome one SMS."""
    reply = phone(DOCTOR).send(f"DK 0912345678 {name}, 1980, Tran Phu")
    assert "DK <so di dong> <ho ten>" in reply
    assert rows(runtime.db, Patient) == []
    assert phone("+84912345678").inbox == []


def test_a_2000_character_body_is_stored_truncated_to_1600(
    client: FlaskClient, config: Config, runtime: Runtime
) -> None:
    body = "".join(str(i % 10) for i in range(2000))
    assert_answered(*post(client, config, sms(UNKNOWN, body)))
    (stored,) = rows(runtime.db, Message, Message.direction == "in")
    assert stored.body == body[:1600]
