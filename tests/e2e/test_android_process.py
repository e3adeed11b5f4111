"""End to end through a local SIM: the real `f0care serve` process with gateway.provider android.

Everything goes through the Android gateway's contract: signed JSON events posted to
`POST /sms/android` as the app posts them (the SMS the phone's SIM receives), and every SMS the
service sends reaching the phone's API (the stub, which checks Basic auth and the JSON the client
library sends) and coming back as signed `sms:sent` / `sms:delivered` receipts. The journey:
registration, the one-time code, acceptance by staff, a red answer and the staff alert.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from queue import Empty, SimpleQueue

import pytest
import requests
from sqlalchemy.pool import NullPool
from sqlmodel import Session, select

from models.db import make_engine
from models.tables import Message
from tests.support import android_events
from tests.support.android_events import WEBHOOK, Events
from tests.support.android_stub import PASSWORD, USERNAME, AndroidStub, Sent
from tests.support.databases import schema_database
from tests.support.processes import Processes, free_port
from tests.support.service import sms_staff, start_serve, write_config

pytestmark = pytest.mark.e2e

PATIENT = "+84987654321"
DOCTOR = "+84912000001"  # BS Lan, Tram Y te phuong Tran Phu
CLINIC = "tyt-tran-phu"
DELIVERY_TIMEOUT = 15.0
RADIO_SECONDS = 0.3  # the phone sends, then reports: a receipt never comes before the phone's answer


class Receipts:
    """The phone reporting back: each accepted message gets signed sms:sent, then sms:delivered."""

    def __init__(self, base_url: str, events: Events) -> None:
        self.url = base_url + WEBHOOK
        self.events = events
        self.queue: SimpleQueue[Sent | None] = SimpleQueue()
        self.answers: list[int] = []
        self.thread = threading.Thread(target=self.run, name="phone-receipts", daemon=True)

    def run(self) -> None:
        with requests.Session() as http:
            while (sent := self.queue.get()) is not None:
                time.sleep(RADIO_SECONDS)  # the radio's time, not a wait for the service
                for event in ("sms:sent", "sms:delivered"):
                    body, headers = self.events.signed(event, android_events.receipt(sent.id, sent.to, event))
                    self.answers.append(http.post(self.url, data=body, headers=headers, timeout=10).status_code)

    def stop(self) -> None:
        self.queue.put(None)
        self.thread.join(timeout=10)
        try:
            while self.queue.get_nowait() is not None:
                pass
        except Empty:
            pass


class Phone:
    """The SIM's side: SMS in as signed events, what the service sent read from the phone's API."""

    def __init__(self, base_url: str, stub: AndroidStub, events: Events) -> None:
        self.url = base_url + WEBHOOK
        self.stub = stub
        self.events = events
        self.http = requests.Session()

    def sms(self, sender: str, text: str) -> None:
        body, headers = self.events.signed("sms:received", android_events.received(sender, text))
        response = self.http.post(self.url, data=body, headers=headers, timeout=20)
        assert response.status_code == 204, (text, response.status_code, response.text)

    def expect(self, to: str, pattern: str, count: int = 1) -> list[str]:
        """Wait until `count` messages to `to` match `pattern`; those texts."""

        def matching(messages: list[Sent]) -> list[str]:
            return [m.text for m in messages if m.to == to and re.search(pattern, m.text)]

        ready: Callable[[list[Sent]], bool] = lambda messages: len(matching(messages)) >= count  # noqa: E731
        found = matching(self.stub.wait_until(ready, DELIVERY_TIMEOUT))
        assert len(found) >= count, (to, pattern, [(m.to, m.text) for m in self.stub.messages])
        return found


@pytest.fixture
def stub() -> Iterator[AndroidStub]:
    with AndroidStub() as running:
        yield running


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_a_station_runs_the_daily_loop_entirely_on_a_local_sim(
    kind: str, stub: AndroidStub, procs: Processes, tmp_path: Path
) -> None:
    staff = sms_staff(CLINIC)
    assert DOCTOR in staff
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    events = Events()
    receipts = Receipts(base_url, events)
    with ExitStack() as stack:
        url = stack.enter_context(schema_database(kind, tmp_path))
        stack.callback(procs.stop_all)
        gateway = {
            "provider": "android",
            "android": {
                "base_url": stub.url,
                "username": USERNAME,
                "password": PASSWORD,
                "webhook_secret": android_events.SECRET,
            },
        }
        config = write_config(tmp_path, url, base_url, gateway)
        stub.on_message = receipts.queue.put
        receipts.thread.start()
        stack.callback(receipts.stop)
        start_serve(procs, config, port)
        phone = Phone(base_url, stub, events)

        # A forged event: 401 from the real process, nothing sent.
        body = events.body("sms:received", android_events.received(PATIENT, "DK"))
        forged = events.headers(body, secret="not-the-signing-key")
        assert requests.post(phone.url, data=body, headers=forged, timeout=10).status_code == 401

        # Registration: each answer's next question comes back as an SMS from the phone.
        for n, text in enumerate(["DK", "Nguyen Van An", "1980", "Tran Phu", "NAY", "hom nay", "K"], start=1):
            phone.sms(PATIENT, text)
            phone.expect(PATIENT, rf"\b{n}/7\b")
        phone.sms(PATIENT, "K")
        [otp_sms] = phone.expect(PATIENT, r"\b\d{6}\b")
        otp = re.search(r"\b(\d{6})\b", otp_sms)
        assert otp
        phone.sms(PATIENT, otp.group(1))
        [confirmed] = phone.expect(PATIENT, r"\bma [A-Z2-9]{5}\b")
        code = re.search(r"\bma ([A-Z2-9]{5})\b", confirmed)
        assert code
        patient_code = code.group(1)

        # Every staff member gets the acceptance request; the doctor accepts by SMS to the SIM.
        for number in staff:
            phone.expect(number, rf"DUYET {patient_code}")
        phone.sms(DOCTOR, f"DUYET {patient_code}")
        phone.expect(DOCTOR, r"Da duyet")
        phone.expect(PATIENT, rf"Ma BN: {patient_code}")

        # A red answer: advice with 115 to the patient, a red alert to every staff member.
        phone.sms(PATIENT, "94 24 86 37.5 0 0")
        phone.expect(PATIENT, r"SpO2 thap \(94%\).*115|115.*SpO2 thap \(94%\)")
        for number in staff:
            [alert] = phone.expect(number, r"CANH BAO DO")
            assert f"OK {patient_code}" in alert
            assert "SpO2 94" in alert

        # Staff acknowledge; the patient is told who will call.
        phone.sms(DOCTOR, f"OK {patient_code}")
        phone.expect(PATIENT, r"BS Lan")

        # Every SMS went through the phone once, and its receipts moved it to delivered.
        db = make_engine(url, poolclass=NullPool)
        stack.callback(db.dispose)
        deadline = time.monotonic() + DELIVERY_TIMEOUT
        while time.monotonic() < deadline:
            sent = stub.messages
            with Session(db) as session:
                statuses = session.exec(select(Message.status).where(Message.direction == "out")).all()
            if len(statuses) == len(sent) and set(statuses) == {"delivered"}:
                break
            time.sleep(0.2)  # the receipts' own pace; the test asserts the outcome below
        assert len({m.id for m in sent}) == len(sent)
        assert len(statuses) == len(sent)
        assert set(statuses) == {"delivered"}, statuses
        with Session(db) as session:
            channels = set(session.exec(select(Message.channel).where(Message.direction == "in")).all())
        assert channels == {"android"}
        assert set(receipts.answers) == {204}
