"""End to end: the USSD menu of the real `f0care serve` process over HTTP, SMS through the Twilio stub."""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.processes import Processes, free_port
from tests.support.service import ACCOUNT_SID, AUTH_TOKEN, start_serve, twilio_gateway, write_config
from tests.support.twilio_stub import TwilioStub

pytestmark = pytest.mark.e2e

TOKEN = "e2e-ussd-token-" + "41d7" * 4
CALLER = "+84977000111"
STAFF = ("+84912000001", "+84912000002", "+84912000003")  # Tram Y te phuong Tran Phu
DELIVERY_TIMEOUT = 10.0


class Menu:
    """Africa's Talking's side: form posts to `POST /ussd?token=...` of the running service."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url

    def post(self, session: str, text: str, token: str = TOKEN) -> tuple[int, str]:
        form = {"sessionId": session, "serviceCode": "*384*1234#", "phoneNumber": CALLER, "networkCode": "45204"}
        data = urllib.parse.urlencode({**form, "text": text}).encode()
        url = f"{self.base_url}/ussd?{urllib.parse.urlencode({'token': token})}"
        try:
            with urllib.request.urlopen(urllib.request.Request(url, data=data), timeout=10) as answer:  # nosec B310
                assert answer.headers.get_content_type() == "text/plain"
                return answer.status, answer.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, ""

    def session(self, session: str, *inputs: str) -> list[str]:
        """Dial, then each input: every screen shown."""
        return [self.post(session, "*".join(inputs[:n]))[1] for n in range(len(inputs) + 1)]


@pytest.fixture
def stub() -> Iterator[TwilioStub]:
    with TwilioStub(ACCOUNT_SID, AUTH_TOKEN) as running:
        yield running


@pytest.fixture
def menu(stub: TwilioStub, procs: Processes, tmp_path: Path) -> Menu:
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    ussd = {"enabled": True, "service_code": "*384*1234#", "token": TOKEN}
    config = write_config(
        tmp_path, f"sqlite:///{tmp_path / 'e2e.db'}", base_url, twilio_gateway(stub.url), sections={"ussd": ussd}
    )
    start_serve(procs, config, port)
    return Menu(base_url)


def test_a_caller_registers_and_a_red_answer_by_ussd_alerts_the_station_by_sms(menu: Menu, stub: TwilioStub) -> None:
    assert menu.post("s0", "", token="wrong-token")[0] == 403

    screens = menu.session("s1", "1", "Nguyen Van An", "1980", "tran phu", "1", "hom nay", "2", "4")
    assert all(screen.startswith("CON ") for screen in screens[:-1])
    assert screens[-1].startswith("END Da xac nhan. Tram Y te phuong Tran Phu")
    assert stub.wait_for(len(STAFF), timeout=DELIVERY_TIMEOUT)
    assert sorted(m["To"] for m in stub.messages) == sorted(STAFF)  # acceptance requests; no code to the caller
    code = stub.messages[0]["Body"].split()[2].rstrip(":")

    end = menu.session("s2", "1", "94", "24", "86", "37.5", "0", "0")[-1]
    assert end.startswith(f"END {code}: dau hieu nguy hiem")
    assert menu.post("s2", "1*94*24*86*37.5*0*0") == (200, end)  # the gateway's retry: same screen
    assert stub.wait_for(2 * len(STAFF) + 1, timeout=DELIVERY_TIMEOUT)
    alerts = [m for m in stub.messages if m["Body"].startswith(f"CANH BAO DO {code}")]
    assert sorted(m["To"] for m in alerts) == sorted(STAFF)
    assert next(m["Body"] for m in stub.messages if m["To"] == CALLER).startswith(end.removeprefix("END ")[:100])
