"""Issue 16 point 1: the per-number daily code limit holds under 30 concurrent registrations.

The codes are counted under one lock (PostgreSQL: an advisory lock; SQLite: the writer lock
taken by BEGIN IMMEDIATE), so no two registrations both see room for the last code.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from threading import Barrier

import pytest
from sqlalchemy.engine import Engine

from dialogs.otp import MAX_PER_NUMBER_PER_DAY
from f0care.config import Config, to_program
from f0care.service.inbound import receive
from models.db import create_schema, make_engine
from models.tables import Message
from models.uow import SqlUnitOfWork
from sms_gateway.wire import InboundSms
from tests.conftest import T0
from tests.integration.journeys import rows
from tests.support import databases

TARGET = "+84987000111"
REGISTRANTS = [f"+8498800{n:04d}" for n in range(30)]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A database several threads write to at once: a SQLite file, or this process's PostgreSQL."""
    if request.param == "sqlite":
        made = make_engine(f"sqlite:///{tmp_path / 'f0.db'}")
        create_schema(made)
        yield made
        made.dispose()
        return
    postgres: Engine = request.getfixturevalue("postgres")
    yield postgres
    databases.truncate_all(postgres)


def test_thirty_concurrent_registrations_to_one_number_send_it_at_most_the_daily_limit(
    engine: Engine, config: Config
) -> None:
    program = to_program(config)
    sids = iter(range(10_000))

    def send(phone: str, text: str) -> str | None:
        sms = InboundSms(phone, text, f"SMcc{next(sids):030d}")
        return receive(lambda: SqlUnitOfWork(engine), program, sms, T0).reply

    for phone in REGISTRANTS:  # each registrant up to the last question, one at a time
        for text in ("DK", "Nguyen Van An", "1980", "Tran Phu", "0987000111", "hom nay", "K"):
            send(phone, text)
    start = Barrier(len(REGISTRANTS))

    def last_answer(phone: str) -> str | None:
        start.wait()
        return send(phone, "K")

    with ThreadPoolExecutor(max_workers=len(REGISTRANTS)) as pool:
        replies = list(pool.map(last_answer, REGISTRANTS))
    codes = rows(engine, Message, Message.kind == "otp", Message.phone == TARGET)
    assert len(codes) == MAX_PER_NUMBER_PER_DAY
    assert sum("0987***111" in (r or "") and "ngay mai" in (r or "") for r in replies) == 30 - MAX_PER_NUMBER_PER_DAY
