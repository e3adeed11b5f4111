"""Issue 16, the HTTP edge through the Flask test client: who may speak, what a reply may hold,
how large a body may be, and that a 200 always means stored.

The same checks through real gunicorn and `f0care serve` processes are in tests/e2e/test_edge_abuse.py.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Callable
from urllib.parse import urlencode
from xml.etree import ElementTree

import pytest
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine

from f0care.app import create_app
from f0care.cli.simulator import WEBHOOK, sign
from f0care.config import Config
from f0care.runtime import Runtime, build_runtime
from models.db import make_engine
from models.tables import Alert, Contact, Declaration, Message
from sms_gateway.inbound_rules import MAX_BODY_BYTES, is_allowed_sender, strip_controls
from tests.integration.journeys import DOCTOR, PATIENT, UNKNOWN, accept, register, rows
from tests.support.fakes import Clock, RecordingSender
from tests.support.phone import Phone

Phones = Callable[[str], Phone]
_sids = itertools.count(1)
RED = "93 18 86 37 0 0"  # SpO2 93: red
CONTROLS = "".join(chr(c) for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0)])


def sid() -> str:
    return f"SMedge{next(_sids):028d}"


def post(client: FlaskClient, config: Config, params: dict[str, str]) -> tuple[int, str]:
    response = client.post(WEBHOOK, data=params, headers={"X-Twilio-Signature": sign(config, params)})
    return response.status_code, response.get_data(as_text=True)


def sms(sender: str, body: str, message_sid: str | None = None) -> dict[str, str]:
    return {"From": sender, "To": "+84900000000", "Body": body, "MessageSid": message_sid or sid()}


def replies(twiml: str) -> list[str]:
    """The <Message> texts of a TwiML answer; fails unless it is well-formed XML with a <Response> root."""
    root = ElementTree.fromstring(twiml)
    assert root.tag == "Response", twiml
    return [m.text or "" for m in root.iter("Message")]


# --- who may speak --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sender",
    [
        "abc",
        "+",
        "0",
        "+999999999999999999999999",
        "+0987654321",
        "whatsapp:+84987654321",
        "0987 654 321",
        "0987654321",
        "+84 987 654 321",
        "A" * 500,
        "+84987654321\x00",
        "F0CARE",
        "12345",
    ],
)
def test_a_sender_that_is_not_an_e164_number_gets_400_and_is_stored_as_rejected_not_as_a_conversation(
    client: FlaskClient, config: Config, runtime: Runtime, sender: str
) -> None:
    message_sid = sid()
    status, _ = post(client, config, sms(sender, "DK", message_sid))
    assert status == 400
    (stored,) = rows(runtime.db, Message)
    assert (stored.status, stored.direction, stored.provider_sid) == ("rejected", "in", message_sid)
    assert stored.phone == strip_controls(sender).strip()[:20]
    assert rows(runtime.db, Contact) == []


def test_a_rejected_sender_retried_with_the_same_sid_is_stored_once(
    client: FlaskClient, config: Config, runtime: Runtime
) -> None:
    params = sms("whatsapp:+84987654321", "DK")
    assert post(client, config, params)[0] == 400
    assert post(client, config, params)[0] == 400
    assert len(rows(runtime.db, Message)) == 1


def test_a_configured_short_code_may_speak(config: Config, db: Engine, clock: Clock) -> None:
    gateway = config.gateway.model_copy(update={"short_codes": ("8085",)})
    with_code = config.model_copy(update={"gateway": gateway})
    runtime = build_runtime(with_code, sender=RecordingSender(), db=db, clock=clock)
    client = create_app(runtime).test_client()
    status, twiml = post(client, config, sms("8085", "TRO GIUP"))
    assert status == 200
    assert replies(twiml)
    assert [m.status for m in rows(runtime.db, Message, Message.direction == "in")] == ["replied"]
    assert post(client, config, sms("8086", "TRO GIUP"))[0] == 400


def test_an_e164_number_of_any_country_may_speak(client: FlaskClient, config: Config) -> None:
    for sender in (PATIENT, "+14155550123", "+4915112345678", "+6591234567"):
        status, twiml = post(client, config, sms(sender, "TRO GIUP"))
        assert status == 200, sender
        assert replies(twiml), sender


def test_short_codes_are_allowed_only_when_configured_and_digits_only() -> None:
    assert is_allowed_sender("8085", {"8085"})
    assert not is_allowed_sender("8085")
    assert not is_allowed_sender("F0CARE", {"F0CARE"})


# --- provider ids ---------------------------------------------------------------------------------


def test_a_message_sid_of_128_characters_is_stored_on_both_databases(
    client: FlaskClient, config: Config, runtime: Runtime
) -> None:
    long_sid = "SM" + "x" * 126
    status, twiml = post(client, config, sms(UNKNOWN, "TRO GIUP", long_sid))
    assert status == 200
    assert replies(twiml)
    assert [m.provider_sid for m in rows(runtime.db, Message, Message.direction == "in")] == [long_sid]


@pytest.mark.parametrize("bad_sid", ["SM" + "x" * 127, "SM 1", "SM\x001", "SMé"], ids=["129", "space", "nul", "accent"])
def test_a_message_sid_no_column_can_hold_is_a_client_error_and_nothing_is_stored(
    client: FlaskClient, config: Config, runtime: Runtime, bad_sid: str
) -> None:
    assert post(client, config, sms(UNKNOWN, "DK", bad_sid))[0] == 400
    assert rows(runtime.db, Message) == []


# --- control characters and well-formed replies -----------------------------------------------------


def test_control_characters_are_stripped_before_storing_and_echoing(
    client: FlaskClient, config: Config, runtime: Runtime
) -> None:
    status, twiml = post(client, config, sms(UNKNOWN, f"DK{CONTROLS}"))
    assert status == 200
    assert replies(twiml)
    status, twiml = post(client, config, sms(UNKNOWN, "Nguyen\x07 Van\x1b[31m An\x7f\x85"))
    assert status == 200
    for text in replies(twiml):
        assert not set(text) & set(CONTROLS), text
    bodies = [m.body for m in rows(runtime.db, Message)]
    assert bodies, bodies
    assert all(not set(body) & set(CONTROLS) for body in bodies), bodies


def test_line_breaks_and_tabs_are_kept_as_newlines_and_spaces() -> None:
    assert strip_controls("a\r\nb\rc\td\ne") == "a\nb\nc d\ne"


@pytest.fixture
def unicode_client(config: Config, db: Engine, clock: Clock) -> tuple[FlaskClient, Config]:
    """The service with `sms_ascii: false`: replies keep what the patient typed, accents and all."""
    service = config.service.model_copy(update={"sms_ascii": False})
    unicode_config = config.model_copy(update={"service": service})
    runtime = build_runtime(unicode_config, sender=RecordingSender(), db=db, clock=clock)
    return create_app(runtime).test_client(), unicode_config


FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
any_text = st.text(st.characters(exclude_categories=["Cs"]), max_size=80)


@FUZZ
@given(name=any_text, sender=st.sampled_from([UNKNOWN, PATIENT, "+84933444556"]))
def test_every_reply_is_well_formed_xml_whatever_a_registrant_types(
    unicode_client: tuple[FlaskClient, Config], clock: Clock, name: str, sender: str
) -> None:
    client, config = unicode_client
    clock.advance(seconds=7)
    for text in ("DK", name, "1980", name):
        status, twiml = post(client, config, sms(sender, text))
        assert status == 200, twiml
        for reply in replies(twiml):
            assert not set(reply) & set(CONTROLS), reply


@FUZZ
@given(name=any_text)
def test_every_reply_to_staff_is_well_formed_xml_whatever_the_name(
    unicode_client: tuple[FlaskClient, Config], clock: Clock, name: str
) -> None:
    client, config = unicode_client
    clock.advance(seconds=7)
    status, twiml = post(client, config, sms(DOCTOR, f"DK 0912345678 {name}, 1980, Tran Phu"))
    assert status == 200, twiml
    replies(twiml)


# --- size ---------------------------------------------------------------------------------------


def test_a_body_over_64_kib_is_refused_with_413_before_the_signature_is_checked(
    client: FlaskClient, runtime: Runtime
) -> None:
    body = b"Body=" + b"x" * MAX_BODY_BYTES
    for path in (WEBHOOK, WEBHOOK + "/status"):
        response = client.post(path, data=body, content_type="application/x-www-form-urlencoded")
        assert response.status_code == 413, path
    assert rows(runtime.db, Message) == []


def test_a_signed_body_just_under_the_limit_is_handled(client: FlaskClient, config: Config) -> None:
    params = sms(UNKNOWN, "TRO GIUP")
    params["Padding"] = "x" * (MAX_BODY_BYTES - 400)
    status, twiml = post(client, config, params)
    assert status == 200
    assert replies(twiml)


def chunked_post(client: FlaskClient, body: bytes, headers: dict[str, str] | None = None) -> tuple[int, str]:
    """A post without Content-Length, its body streamed as a chunked one reaches the app."""
    response = client.post(
        WEBHOOK,
        input_stream=io.BytesIO(body),
        content_type="application/x-www-form-urlencoded",
        headers={"Transfer-Encoding": "chunked", **(headers or {})},  # the server has de-chunked it
        environ_overrides={"wsgi.input_terminated": True},
    )
    return response.status_code, response.get_data(as_text=True)


def test_a_chunked_body_over_64_kib_is_refused_with_413(client: FlaskClient, runtime: Runtime) -> None:
    assert chunked_post(client, b"Body=" + b"x" * MAX_BODY_BYTES)[0] == 413
    assert rows(runtime.db, Message) == []


def test_a_signed_chunked_body_under_the_limit_is_parsed_whole_and_handled(
    client: FlaskClient, config: Config, runtime: Runtime
) -> None:
    params = sms(UNKNOWN, "TRO GIUP")
    params["Padding"] = "x" * (MAX_BODY_BYTES - 400)
    status, twiml = chunked_post(client, urlencode(params).encode(), {"X-Twilio-Signature": sign(config, params)})
    assert status == 200
    assert replies(twiml)
    assert len(rows(runtime.db, Message, Message.direction == "in")) == 1


# --- never 200 for a message not stored ------------------------------------------------------------


def broken_engine(db: Engine) -> Engine:
    """An engine of the same kind as `db` that cannot reach any database."""
    if db.dialect.name == "postgresql":
        return make_engine("postgresql+psycopg://postgres@127.0.0.1:9/nowhere?connect_timeout=2")
    return make_engine("sqlite:////nonexistent-f0care-dir/sub/f0care.db")


@pytest.fixture
def active_patient(phone: Phones) -> str:
    code = register(phone(PATIENT))
    accept(phone(DOCTOR), code)
    return code


def test_while_the_database_is_down_nothing_gets_200_and_the_retries_are_stored_exactly_once(
    client: FlaskClient, config: Config, runtime: Runtime, clock: Clock, active_patient: str
) -> None:
    working = runtime.db
    batch = [sms(PATIENT, RED), sms(PATIENT, "CUU"), sms(UNKNOWN, "DK"), sms("not-a-number", "DK")]
    runtime.db = broken_engine(working)
    try:
        statuses = [post(client, config, params)[0] for params in batch]
    finally:
        runtime.db.dispose()
        runtime.db = working
    assert statuses == [503, 503, 503, 503]
    assert rows(working, Message, Message.provider_sid.in_([p["MessageSid"] for p in batch])) == []  # type: ignore[union-attr]

    clock.advance(minutes=1)
    first = [post(client, config, params) for params in batch]
    again = [post(client, config, params) for params in batch]
    assert [status for status, _ in first] == [200, 200, 200, 400]
    assert [replies(twiml) for _, twiml in first[:3]] == [replies(twiml) for _, twiml in again[:3]]
    for params in batch:
        assert len(rows(working, Message, Message.provider_sid == params["MessageSid"])) == 1
    assert len(rows(working, Declaration)) == 1
    assert rows(working, Alert) != []


def test_a_fault_of_the_service_is_kept_for_replay_and_answered_503(
    client: FlaskClient, config: Config, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object) -> None:
        raise ValueError("a bug")

    monkeypatch.setattr("f0care.runtime.receive", broken)
    params = sms(PATIENT, RED)
    assert post(client, config, params)[0] == 503
    (kept,) = rows(runtime.db, Message)
    assert (kept.status, kept.body, kept.provider_sid) == ("error", RED, params["MessageSid"])
