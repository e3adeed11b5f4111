"""End to end: the real `f0care serve` process, the twilio provider pointed at a Twilio stub on loopback.

The test talks to the service only through its public contract: signed form posts to
`POST /sms/twilio` (answered with TwiML), `GET /healthz`, and the SMS the service sends
through Twilio's Messages API (here the stub, which checks Basic auth and the form fields).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.processes import Proc, Processes, free_port
from tests.support.service import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    SERVICE_NUMBER,
    sms_staff,
    start_serve,
    twilio_gateway,
    write_config,
)
from tests.support.twilio_stub import TwilioStub
from tests.support.webhook import Webhook

pytestmark = pytest.mark.e2e

PATIENT = "+84987654321"
DOCTOR = "+84912000001"  # BS Lan, Tram Y te phuong Tran Phu
CLINIC = "tyt-tran-phu"
DELIVERY_TIMEOUT = 10.0


@dataclass
class Service:
    """The running `f0care serve` process and how to talk to it."""

    process: Proc
    hook: Webhook
    db_path: Path

    def inbound_rows(self) -> int:
        with sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True) as db:
            return int(db.execute("SELECT count(*) FROM message WHERE direction = 'in'").fetchone()[0])


@pytest.fixture
def stub() -> Iterator[TwilioStub]:
    with TwilioStub(ACCOUNT_SID, AUTH_TOKEN) as running:
        yield running


@pytest.fixture
def service(stub: TwilioStub, procs: Processes, tmp_path: Path) -> Iterator[Service]:
    port = free_port()
    db_path = tmp_path / "e2e.db"
    base_url = f"http://127.0.0.1:{port}"
    config = write_config(tmp_path, f"sqlite:///{db_path}", base_url, twilio_gateway(stub.url))
    with closing(Webhook(base_url)) as hook:
        yield Service(start_serve(procs, config, port), hook, db_path)


def received(stub: TwilioStub, count: int) -> list[dict[str, str]]:
    """Wait until the stub has accepted `count` messages in all; returns them all."""
    assert stub.wait_for(count, timeout=DELIVERY_TIMEOUT), (
        f"expected {count} outbound messages at the Twilio stub, got {len(stub.messages)}: "
        + repr([(m["To"], m["Body"]) for m in stub.messages])
    )
    return stub.messages


def bodies_to(messages: list[dict[str, str]], number: str) -> list[str]:
    return [m["Body"] for m in messages if m["To"] == number]


def test_the_real_service_runs_the_core_journey_through_twilio(service: Service, stub: TwilioStub) -> None:
    staff = sms_staff(CLINIC)
    assert DOCTOR in staff
    assert len(staff) >= 2
    hook = service.hook

    # A forged signature, and none at all: 403 from the real process, nothing stored, nothing sent.
    forged = hook.params(PATIENT, "DK")
    forged_signature = hook.signature(forged, token="not-the-auth-token")
    assert hook.post(forged, {"X-Twilio-Signature": forged_signature}).status_code == 403
    assert hook.post(forged, {}).status_code == 403
    tampered = hook.params(PATIENT, "DK")
    signature = hook.signature(tampered)
    assert hook.post({**tampered, "Body": "CUU"}, {"X-Twilio-Signature": signature}).status_code == 403
    assert service.inbound_rows() == 0

    # Registration: each answer gets the next question back as TwiML.
    assert "1/7" in hook.sms(PATIENT, "DK")
    assert "2/7" in hook.sms(PATIENT, "Nguyen Van An")
    assert "3/7" in hook.sms(PATIENT, "1980")
    assert "4/7" in hook.sms(PATIENT, "Tran Phu")
    assert "5/7" in hook.sms(PATIENT, "NAY")
    assert "6/7" in hook.sms(PATIENT, "hom nay")
    assert "7/7" in hook.sms(PATIENT, "K")
    reply = hook.sms(PATIENT, "K")
    assert "ma xac nhan" in reply.lower()
    assert not re.search(r"\b\d{6}\b", reply), "the OTP must travel by SMS, not in the webhook reply"

    # The OTP reaches the patient's phone through Twilio.
    messages = received(stub, 1)
    otp_sms = bodies_to(messages, PATIENT)
    assert len(otp_sms) == 1, messages
    otp = re.search(r"\b(\d{6})\b", otp_sms[0])
    assert otp, otp_sms

    reply = hook.sms(PATIENT, otp.group(1))
    found = re.search(r"\bma ([A-Z2-9]{5})\b", reply)
    assert found, reply
    code = found.group(1)
    assert "Tram Y te phuong Tran Phu" in reply

    # Every staff member of that clinic gets the acceptance request.
    messages = received(stub, 1 + len(staff))
    for number in staff:
        requests_ = [b for b in bodies_to(messages, number) if f"DUYET {code}" in b]
        assert len(requests_) == 1, (number, messages)
        assert "Nguyen Van An" in requests_[0]
        assert f"TUCHOI {code}" in requests_[0]

    # Staff accept; the patient gets the welcome.
    assert "Da duyet" in hook.sms(DOCTOR, f"DUYET {code}")
    messages = received(stub, 2 + len(staff))
    welcome = bodies_to(messages, PATIENT)[1:]
    assert len(welcome) == 1, messages
    assert f"Ma BN: {code}" in welcome[0], messages

    # A compact declaration with a red SpO2: advice as TwiML, an alert to every staff member.
    reply = hook.sms(PATIENT, "94 24 86 37.5 0 0")
    assert "115" in reply
    assert "SpO2 thap (94%)" in reply
    messages = received(stub, 2 + 2 * len(staff))
    for number in staff:
        alerts = [b for b in bodies_to(messages, number) if "CANH BAO DO" in b]
        assert len(alerts) == 1, (number, messages)
        assert f"OK {code}" in alerts[0]
        assert "SpO2 94" in alerts[0]

    # Staff acknowledge; the patient is told who will call.
    assert "Da nhan 1 canh bao" in hook.sms(DOCTOR, f"OK {code}")
    messages = received(stub, 3 + 2 * len(staff))
    ack = bodies_to(messages, PATIENT)[2:]
    assert len(ack) == 1, messages
    assert "BS Lan" in ack[0], messages

    # Every outbound message went out as Twilio's API expects: from the service number, with a status callback.
    assert len(messages) == 3 + 2 * len(staff), messages
    for message in messages:
        assert message["From"] == SERVICE_NUMBER, message
        assert message["StatusCallback"] == hook.base_url + "/sms/twilio/status", message
        assert message["StatusCallback"].endswith("/sms/twilio/status")
    assert service.process.alive(), "the service must still be running"
