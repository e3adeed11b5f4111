"""End to end: the real `f0care serve` process, the twilio provider pointed at a Twilio stub on loopback.

The test talks to the service only through its public contract: signed form posts to
`POST /sms/twilio` (answered with TwiML), `GET /healthz`, and the SMS the service sends
through Twilio's Messages API (here the stub, which checks Basic auth and the form fields).
"""

from __future__ import annotations

import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from xml.etree import ElementTree

import pytest
import requests
import yaml
from twilio.request_validator import RequestValidator

from f0care.config import load_config
from tests.support.twilio_stub import TwilioStub

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
ACCOUNT_SID = "AC" + "5e2e" * 8  # made up: "AC" + 32 hex digits
AUTH_TOKEN = "e2e-" + "9f3c" * 7  # made up; reaches the service only through its environment
SERVICE_NUMBER = "+84900000000"
PATIENT = "+84987654321"
DOCTOR = "+84912000001"  # BS Lan, Tram Y te phuong Tran Phu
CLINIC = "tyt-tran-phu"
DELIVERY_TIMEOUT = 10.0
STARTUP_TIMEOUT = 20.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def f0care_command() -> list[str]:
    """The installed console script next to this interpreter (f0care.cli has no __main__ guard)."""
    script = Path(sys.executable).with_name("f0care")
    assert script.exists(), f"the f0care console script is not installed at {script}"
    return [str(script)]


def clinic_staff(clinic_id: str) -> list[str]:
    """The E.164 phones of a clinic's staff, as the service itself reads them from config.yaml."""
    config = load_config(ROOT / "config.yaml", environ={})
    clinic = next(c for c in config.clinics if c.id == clinic_id)
    return [member.phone for member in clinic.staff]


@dataclass
class Service:
    """The running `f0care serve` process and how to talk to it."""

    base_url: str
    db_path: Path
    process: subprocess.Popen[bytes]
    stderr_path: Path
    http: requests.Session = field(default_factory=requests.Session)
    _sids: Iterator[int] = field(default_factory=lambda: iter(range(1, 10_000)))

    def sign(self, params: dict[str, str], path: str = "/sms/twilio", token: str = AUTH_TOKEN) -> str:
        # The service validates over service.public_url + path, and public_url is base_url here.
        return str(RequestValidator(token).compute_signature(self.base_url + path, params))

    def post(self, params: dict[str, str], signature: str | None) -> requests.Response:
        headers = {"X-Twilio-Signature": signature} if signature is not None else {}
        return self.http.post(self.base_url + "/sms/twilio", data=params, headers=headers, timeout=10)

    def params(self, sender: str, text: str) -> dict[str, str]:
        return {
            "MessageSid": f"SM{next(self._sids):032x}",
            "AccountSid": ACCOUNT_SID,
            "From": sender,
            "To": SERVICE_NUMBER,
            "Body": text,
            "NumMedia": "0",
            "NumSegments": "1",
        }

    def sms(self, sender: str, text: str) -> str:
        """An inbound SMS, signed as Twilio would; returns the text of the TwiML reply."""
        params = self.params(sender, text)
        response = self.post(params, self.sign(params))
        assert response.status_code == 200, (text, response.status_code, response.text)
        assert response.headers["Content-Type"].startswith("text/xml"), response.headers
        root = ElementTree.fromstring(response.text)
        assert root.tag == "Response", response.text
        return "\n".join(m.text or "" for m in root.iter("Message"))

    def stderr(self) -> str:
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")

    def inbound_rows(self) -> int:
        with sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True) as db:
            return int(db.execute("SELECT count(*) FROM message WHERE direction = 'in'").fetchone()[0])


@pytest.fixture
def stub() -> Iterator[TwilioStub]:
    with TwilioStub(ACCOUNT_SID, AUTH_TOKEN) as running:
        yield running


@pytest.fixture
def service(stub: TwilioStub, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Service]:
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    db_path = tmp_path / "e2e.db"

    data: dict[str, Any] = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    data["gateway"]["provider"] = "twilio"
    data["gateway"]["twilio"] = {
        "account_sid": "${TWILIO_ACCOUNT_SID}",
        "auth_token": "${TWILIO_AUTH_TOKEN}",
        "from_number": SERVICE_NUMBER,
        "api_base_url": stub.url,
    }
    data["service"]["public_url"] = base_url
    data["database"]["url"] = f"sqlite:///{db_path}"
    config_path = tmp_path / "config.yaml"
    config_path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert AUTH_TOKEN not in config_path.read_text(encoding="utf-8")

    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "F0CARE_CONFIG"}}
    env.update(TWILIO_ACCOUNT_SID=ACCOUNT_SID, TWILIO_AUTH_TOKEN=AUTH_TOKEN, PYTHONUNBUFFERED="1")
    command = [*f0care_command(), "--config", str(config_path), "serve", "--host", "127.0.0.1", "--port", str(port)]

    stderr_path = tmp_path / "service.stderr"
    failed_before = request.session.testsfailed
    with stderr_path.open("wb") as err, (tmp_path / "service.stdout").open("wb") as out:
        process = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=out, stderr=err)
    svc = Service(base_url, db_path, process, stderr_path)
    try:
        _wait_healthy(svc)
        yield svc
    finally:
        svc.http.close()
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        # The call phase's report is counted before teardown runs: print only when this test failed.
        if request.session.testsfailed > failed_before or sys.exc_info()[0] is not None:
            _print_stderr(svc, sys.stderr)


def _wait_healthy(svc: Service) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    last = "no answer"
    while time.monotonic() < deadline:
        if svc.process.poll() is not None:
            pytest.fail(f"f0care serve exited with {svc.process.returncode}:\n{svc.stderr()}")
        try:
            response = svc.http.get(svc.base_url + "/healthz", timeout=2)
            if response.status_code == 200:
                return
            last = f"HTTP {response.status_code}: {response.text}"
        except requests.ConnectionError as exc:
            last = f"{type(exc).__name__}"
        time.sleep(0.1)  # process start-up only; deliveries are awaited on the stub
    pytest.fail(f"f0care serve not healthy after {STARTUP_TIMEOUT:g} s ({last}):\n{svc.stderr()}")


def _print_stderr(svc: Service, stream: IO[str]) -> None:
    print(f"\n----- f0care serve stderr (exit {svc.process.returncode}) -----", file=stream)
    print(svc.stderr(), file=stream)


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
    staff = clinic_staff(CLINIC)
    assert DOCTOR in staff and len(staff) >= 2

    # A forged signature, and none at all: 403 from the real process, nothing stored, nothing sent.
    forged = service.params(PATIENT, "DK")
    assert service.post(forged, service.sign(forged, token="not-the-auth-token")).status_code == 403
    assert service.post(forged, None).status_code == 403
    tampered = service.params(PATIENT, "DK")
    signature = service.sign(tampered)
    assert service.post({**tampered, "Body": "CUU"}, signature).status_code == 403
    assert service.inbound_rows() == 0

    # Registration: each answer gets the next question back as TwiML.
    assert "1/7" in service.sms(PATIENT, "DK")
    assert "2/7" in service.sms(PATIENT, "Nguyen Van An")
    assert "3/7" in service.sms(PATIENT, "1980")
    assert "4/7" in service.sms(PATIENT, "Tran Phu")
    assert "5/7" in service.sms(PATIENT, "NAY")
    assert "6/7" in service.sms(PATIENT, "hom nay")
    assert "7/7" in service.sms(PATIENT, "K")
    reply = service.sms(PATIENT, "K")
    assert "ma xac nhan" in reply.lower()
    assert not re.search(r"\b\d{6}\b", reply), "the OTP must travel by SMS, not in the webhook reply"

    # The OTP reaches the patient's phone through Twilio.
    messages = received(stub, 1)
    otp_sms = bodies_to(messages, PATIENT)
    assert len(otp_sms) == 1, messages
    otp = re.search(r"\b(\d{6})\b", otp_sms[0])
    assert otp, otp_sms

    reply = service.sms(PATIENT, otp.group(1))
    found = re.search(r"\bma ([A-Z2-9]{5})\b", reply)
    assert found, reply
    code = found.group(1)
    assert "Tram Y te phuong Tran Phu" in reply

    # Every staff member of that clinic gets the acceptance request.
    messages = received(stub, 1 + len(staff))
    for number in staff:
        requests_ = [b for b in bodies_to(messages, number) if f"DUYET {code}" in b]
        assert len(requests_) == 1, (number, messages)
        assert "Nguyen Van An" in requests_[0] and f"TUCHOI {code}" in requests_[0]

    # Staff accept; the patient gets the welcome.
    assert "Da duyet" in service.sms(DOCTOR, f"DUYET {code}")
    messages = received(stub, 2 + len(staff))
    welcome = bodies_to(messages, PATIENT)[1:]
    assert len(welcome) == 1 and f"Ma BN: {code}" in welcome[0], messages

    # A compact declaration with a red SpO2: advice as TwiML, an alert to every staff member.
    reply = service.sms(PATIENT, "94 24 86 37.5 0 0")
    assert "115" in reply and "SpO2 thap (94%)" in reply
    messages = received(stub, 2 + 2 * len(staff))
    for number in staff:
        alerts = [b for b in bodies_to(messages, number) if "CANH BAO DO" in b]
        assert len(alerts) == 1, (number, messages)
        assert f"OK {code}" in alerts[0] and "SpO2 94" in alerts[0]

    # Staff acknowledge; the patient is told who will call.
    assert "Da nhan 1 canh bao" in service.sms(DOCTOR, f"OK {code}")
    messages = received(stub, 3 + 2 * len(staff))
    ack = bodies_to(messages, PATIENT)[2:]
    assert len(ack) == 1 and "BS Lan" in ack[0], messages

    # Every outbound message went out as Twilio's API expects: from the service number, with a status callback.
    assert len(messages) == 3 + 2 * len(staff), messages
    for message in messages:
        assert message["From"] == SERVICE_NUMBER, message
        assert message["StatusCallback"] == service.base_url + "/sms/twilio/status", message
        assert message["StatusCallback"].endswith("/sms/twilio/status")
    assert service.process.poll() is None, "the service must still be running"
