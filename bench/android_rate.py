"""How fast the service can hand SMS to one Android phone's API: the stub as its own process on loopback.

Three rates, each over the same `--count` messages: the client library alone in a loop (the floor),
the service's `AndroidSender`, and the whole outbox (claim, send, record; SQLite file, no rate limit).
The phone's radio and the carrier are far slower than any of them: this measures that the service
is never what holds a phone back (README, "A local SIM").

    python -m bench.android_rate [--count 2000] [--out bench/results/android.json]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from android_sms_gateway import Message, TextMessage
from sqlmodel import Session

from bench.service import patient_phone
from models.db import create_schema, make_engine
from models.tables import Message as Row
from sms_gateway.android_sender import AndroidSender, client
from sms_gateway.outbox.outbox import Outbox
from tests.support.android_stub import PASSWORD, USERNAME
from tests.support.processes import Processes, wait_line

BODY = "F0 Hai Duong: hom nay 03/12 gui SpO2 nhip tho mach nhiet do kho tho(0/1) dau hieu khac(0-4), vd 98 18 86 37 0 0"


def rate(count: int, seconds: float) -> dict[str, float]:
    return {"count": count, "seconds": round(seconds, 3), "per_second": round(count / seconds, 1)}


def library_loop(url: str, count: int) -> dict[str, float]:
    api, _session = client(url, USERNAME, PASSWORD)
    started = time.perf_counter()
    for i in range(count):
        api.send(Message(phone_numbers=[patient_phone(i)], text_message=TextMessage(BODY)))
    return rate(count, time.perf_counter() - started)


def sender_loop(url: str, count: int) -> dict[str, float]:
    sender = AndroidSender(url, USERNAME, PASSWORD)
    started = time.perf_counter()
    failed = sum(not sender.send(patient_phone(i), BODY).ok for i in range(count))
    if failed:
        raise SystemExit(f"{failed} sends failed")
    return rate(count, time.perf_counter() - started)


def outbox_run(url: str, count: int, directory: Path) -> dict[str, float]:
    db = make_engine(f"sqlite:///{directory / 'android-bench.db'}")
    create_schema(db)
    now = datetime.now(UTC)
    with Session(db) as session:
        for i in range(count):
            session.add(Row(direction="out", phone=patient_phone(i), body=BODY, created_at=now, status="queued"))
        session.commit()
    outbox = Outbox(db, AndroidSender(url, USERNAME, PASSWORD))
    started = time.perf_counter()
    sent = outbox.deliver_pending()
    result = rate(sent, time.perf_counter() - started)
    db.dispose()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--out", type=Path, default=None, help="also write the JSON here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work, Processes(Path(work)) as procs:
        stub = procs.start("android-stub", [sys.executable, "-m", "tests.support.android_stub", "--port", "0"])
        url = f"http://127.0.0.1:{int(wait_line(stub, 'listening ').split()[1])}"
        result: dict[str, Any] = {
            "library_loop": library_loop(url, args.count),
            "android_sender": sender_loop(url, args.count),
            "outbox_sqlite": outbox_run(url, args.count, Path(work)),
            "date": datetime.now(UTC).date().isoformat(),
        }
    text = json.dumps(result, indent=2)
    print(text)
    if args.out is not None:
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
