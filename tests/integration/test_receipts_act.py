"""Issue 16 point 11: delivery receipts act. Any ErrorCode is read without a server error; 21610 opts
the number out as an inbound STOP would; 30003-30008 flag the patient "call needed"."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from sqlmodel import Session, select

from f0care.cli.simulator import sign
from f0care.config import Config
from f0care.runtime import Runtime
from models.tables import Contact, Message, Patient
from sms_gateway.inbound_rules import parse_error_code
from tests.integration.journeys import PATIENT, UNKNOWN, register, rows
from tests.support.phone import Phone

Phones = Callable[[str], Phone]
STATUS = "/sms/twilio/status"


def post_status(client: FlaskClient, config: Config, sid: str, status: str, error: str | None = None) -> int:
    params = {"MessageSid": sid, "MessageStatus": status, "AccountSid": "AC" + "0" * 32}
    if error is not None:
        params["ErrorCode"] = error
    return client.post(STATUS, data=params, headers={"X-Twilio-Signature": sign(config, params, STATUS)}).status_code


def otp_to_patient(phone: Phones, runtime: Runtime) -> Message:
    """A registration on PATIENT's own phone: a pending patient and the code SMS sent to that phone."""
    register(phone(PATIENT))
    with Session(runtime.db) as s:
        return s.exec(select(Message).where(Message.kind == "otp")).one()


def call_needed(runtime: Runtime, number: str = PATIENT) -> list[bool]:
    return [p.call_needed for p in rows(runtime.db, Patient, Patient.phone == number)]


@pytest.mark.parametrize(
    "error",
    ["1" * 30, "-30003", "abc", "", " ", "3.0003e4", "30003abc", "\u0663\u0660\u0660\u0660\u0663", "0x7533", "\x00"],
    ids=["30-digits", "negative", "text", "empty", "blank", "float", "suffix", "arabic-digits", "hex", "nul"],
)
def test_any_error_code_is_read_without_a_server_error(
    client: FlaskClient, config: Config, runtime: Runtime, phone: Phones, error: str
) -> None:
    sid = otp_to_patient(phone, runtime).provider_sid
    assert sid
    assert post_status(client, config, sid, "undelivered", error) == 204
    (row,) = rows(runtime.db, Message, Message.provider_sid == sid)
    assert (row.status, row.error_code) == ("undelivered", None)


def test_error_codes_are_numbers_of_at_most_nine_ascii_digits() -> None:
    assert parse_error_code(" 30003 ") == 30003
    assert parse_error_code("999999999") == 999999999
    assert parse_error_code("1" * 10) is None
    assert parse_error_code(None) is None


@pytest.mark.parametrize("code", ["30003", "30004", "30005", "30006", "30007", "30008"])
def test_an_unreachable_phone_in_a_receipt_flags_its_patient_call_needed(
    client: FlaskClient, config: Config, runtime: Runtime, phone: Phones, code: str
) -> None:
    sid = otp_to_patient(phone, runtime).provider_sid
    assert sid
    assert call_needed(runtime) == [False]
    assert post_status(client, config, sid, "undelivered", code) == 204
    assert call_needed(runtime) == [True]


@pytest.mark.parametrize("code", ["30002", "30009", "30010", "21211"])
def test_other_error_codes_in_a_receipt_flag_nobody(
    client: FlaskClient, config: Config, runtime: Runtime, phone: Phones, code: str
) -> None:
    sid = otp_to_patient(phone, runtime).provider_sid
    assert sid
    assert post_status(client, config, sid, "failed", code) == 204
    assert call_needed(runtime) == [False]


def test_a_delivered_receipt_with_an_error_code_flags_nobody(
    client: FlaskClient, config: Config, runtime: Runtime, phone: Phones
) -> None:
    sid = otp_to_patient(phone, runtime).provider_sid
    assert sid
    assert post_status(client, config, sid, "delivered", "30003") == 204
    assert call_needed(runtime) == [False]


def test_21610_in_a_receipt_opts_the_number_out_as_an_inbound_stop_would(
    client: FlaskClient, config: Config, runtime: Runtime, phone: Phones
) -> None:
    sid = otp_to_patient(phone, runtime).provider_sid
    assert sid
    assert post_status(client, config, sid, "undelivered", "21610") == 204
    by_receipt = rows(runtime.db, Contact, Contact.phone == PATIENT)[0]

    phone(UNKNOWN).send("STOP")
    by_stop = rows(runtime.db, Contact, Contact.phone == UNKNOWN)[0]

    assert (by_receipt.opted_out, by_receipt.opted_out_at) == (by_stop.opted_out, by_stop.opted_out_at)
    assert by_receipt.opted_out is True
    assert by_receipt.opted_out_at is not None


def test_21610_for_a_number_that_never_wrote_makes_its_contact_opted_out(
    client: FlaskClient, config: Config, runtime: Runtime, phone: Phones
) -> None:
    message = otp_to_patient(phone, runtime)
    with Session(runtime.db) as s:
        s.delete(s.get(Contact, PATIENT))
        s.commit()
    assert message.provider_sid
    assert post_status(client, config, message.provider_sid, "failed", "21610") == 204
    (contact,) = rows(runtime.db, Contact, Contact.phone == PATIENT)
    assert contact.opted_out


def test_a_receipt_for_an_unknown_message_changes_nothing(
    client: FlaskClient, config: Config, runtime: Runtime
) -> None:
    assert post_status(client, config, "SM" + "0" * 32, "undelivered", "21610") == 204
    assert rows(runtime.db, Contact) == []
