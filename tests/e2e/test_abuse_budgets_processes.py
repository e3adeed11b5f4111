"""Issue 16 points 1, 3 and 4 through the real `f0care serve` process and a Twilio stub on loopback.

Measured here (and written in docs/security.md): a pumping run of 20 targets from one phone,
`CUU` x10 from a phone with five pending registrations, a flood of 40 messages from one phone.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from functools import partial
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support.processes import Processes, free_port
from tests.support.service import ACCOUNT_SID, AUTH_TOKEN, start_serve, twilio_gateway, write_config
from tests.support.twilio_stub import TwilioStub
from tests.support.webhook import Webhook

pytestmark = pytest.mark.e2e

ATTACKER = "+84911222333"
PATIENT = "+84987654321"
TRAN_PHU_STAFF = ("+84912000001", "+84912000002", "+84912000003")
VIETNAMESE = [f"0987{n:06d}" for n in range(14)]
FOREIGN = ["+881612345678", "+93701234567", "+2348031234567", "+4915123456789", "+12025550123", "+8613812345678"]
NAMES = ("Nguyen Van An", "Tran Thi Binh", "Le Van Cuong", "Pham Thi Dung", "Hoang Van Em")
SETTLE = 3.0  # seconds for the outbox to deliver what was queued


@pytest.fixture
def stub() -> Iterator[TwilioStub]:
    with TwilioStub(ACCOUNT_SID, AUTH_TOKEN) as running:
        yield running


def serve(procs: Processes, tmp_path: Path, stub: TwilioStub, **sections: Any) -> tuple[Webhook, Path]:
    port, db_path = free_port(), tmp_path / "e2e.db"
    base_url = f"http://127.0.0.1:{port}"
    config = write_config(tmp_path, f"sqlite:///{db_path}", base_url, twilio_gateway(stub.url))
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data.update(sections)
    config.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    start_serve(procs, config, port)
    return Webhook(base_url), db_path


def count(db_path: Path, sql: str) -> int:
    with closing(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)) as db:
        return int(db.execute(sql).fetchone()[0])


def register(hook: Webhook, phone: str, name: str, mobile: str) -> str:
    for text in ("DK", name, "1980", "Tran Phu", mobile, "hom nay", "K"):
        hook.sms(phone, text)
    return hook.sms(phone, "K")


def test_a_pumping_run_of_20_targets_reaches_at_most_3_numbers_and_no_foreign_one(
    procs: Processes, tmp_path: Path, stub: TwilioStub
) -> None:
    roomy = {"limits": {"inbound_per_phone": {"messages": 1000, "minutes": 10}}}  # the code budgets alone
    hook, _db = serve(procs, tmp_path, stub, **roomy)
    with closing(hook):
        for target in VIETNAMESE + FOREIGN:
            register(hook, ATTACKER, "Nguyen Van An", target)
            hook.sms(ATTACKER, "GUI LAI")
    settle(stub)
    reached = {m["To"] for m in stub.messages}
    print(f"pumping run: {len(stub.messages)} code SMS to {len(reached)} numbers: {sorted(reached)}")
    assert len(reached) <= 3
    assert all(number.startswith("+84") for number in reached)


def settle(stub: TwilioStub, quiet: float = SETTLE, at_most: float = 60.0) -> None:
    """Wait until the outbox has delivered what was queued: no new SMS at the stub for `quiet` seconds."""
    deadline = time.monotonic() + at_most
    seen, since = len(stub.messages), time.monotonic()
    while time.monotonic() - since < quiet and time.monotonic() < deadline:
        time.sleep(0.1)
        if len(stub.messages) != seen:
            seen, since = len(stub.messages), time.monotonic()


def more_than(stub: TwilioStub, count: int) -> bool:
    return len(to_patient(stub)) > count


def to_patient(stub: TwilioStub) -> list[str]:
    return [m["Body"] for m in stub.messages if m["To"] == PATIENT]


def wait_until(condition: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_cuu_ten_times_from_five_pending_registrations_gives_each_staff_member_at_most_2_sms(
    procs: Processes, tmp_path: Path, stub: TwilioStub
) -> None:
    roomy = {"limits": {"inbound_per_phone": {"messages": 100, "minutes": 10}}}
    hook, _db = serve(procs, tmp_path, stub, **roomy)
    with closing(hook):
        for name in NAMES:
            codes_before = len(to_patient(stub))
            register(hook, PATIENT, name, "NAY")
            # This registration's code SMS itself, not a staff SMS of the last one still on its way.
            assert wait_until(partial(more_than, stub, codes_before), timeout=30.0)
            code = to_patient(stub)[-1].split(": ")[-1][:6]
            hook.sms(PATIENT, "".join(ch for ch in code if ch.isdigit()))
        settle(stub)
        before = {s: sum(m["To"] == s for m in stub.messages) for s in TRAN_PHU_STAFF}
        for _ in range(10):
            assert "115" in hook.sms(PATIENT, "CUU")
    settle(stub)
    sent = {s: sum(m["To"] == s for m in stub.messages) - before[s] for s in TRAN_PHU_STAFF}
    print(f"CUU x10 from 5 pending registrations: staff SMS {sent}")
    assert all(1 <= n <= 2 for n in sent.values())


def test_a_flood_from_one_phone_gets_one_notice_then_silence_and_every_message_is_stored(
    procs: Processes, tmp_path: Path, stub: TwilioStub
) -> None:
    hook, db_path = serve(procs, tmp_path, stub)
    with closing(hook):
        replies = [hook.sms(PATIENT, f"xin chao {n}") for n in range(40)]
    assert all(replies[:30])
    assert "115" in replies[30]
    assert replies[31:] == [""] * 9
    assert count(db_path, "SELECT count(*) FROM message WHERE direction = 'in'") == 40
