"""The dashboard's line lists, read from the database for a set of clinics at a moment."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import timedelta

from sqlalchemy import update
from sqlmodel import Session

from dialogs.render import local_today
from f0care.runtime import Runtime
from models.repositories.linelists import PatientLine, line_lists
from models.tables import Patient
from tests.integration.journeys import DOCTOR, OTHER_DOCTOR, register
from tests.support.fakes import Clock
from tests.support.phone import Phone

TRAN_PHU = {"tyt-tran-phu"}
ZONE = "Asia/Ho_Chi_Minh"
RED = "94 24 86 37,5 0 0"
GREEN = "98 16 80 37 0 0"
YELLOW = "98 16 80 38,8 0 0"


def direct(phone: Callable[[str], Phone], number: str, name: str, staff: str = DOCTOR, area: str = "Tran Phu") -> str:
    """A patient registered and accepted at once by staff (`DK <phone> <name>, <year>, <area>`)."""
    reply = phone(staff).send(f"DK {number} {name}, 1980, {area}")
    found = re.search(r"Da dang ky ([A-Z][A-Z2-9]{4}) ", reply)
    assert found, reply
    return found.group(1)


def codes(rows: Sequence[PatientLine]) -> list[str]:
    return [row.code for row in rows]


def test_each_list_holds_the_patients_it_names(runtime: Runtime, phone: Callable[[str], Phone], clock: Clock) -> None:
    red = direct(phone, "0987000001", "Nguyen Van Do")
    yellow = direct(phone, "0987000002", "Tran Thi Vang")
    green = direct(phone, "0987000003", "Le Van Xanh")
    silent = direct(phone, "0987000004", "Pham Van Im")
    stopped = direct(phone, "0987000005", "Hoang Thi Dung")
    pending = register(phone("+84987000006"), name="Vu Van Cho")
    other = direct(phone, "0987000007", "Do Van Khac", OTHER_DOCTOR, "Quang Trung")
    phone("+84987000001").send(RED)
    phone("+84987000002").send(YELLOW)
    phone("+84987000003").send(GREEN)
    phone("+84987000005").send("STOP")
    with Session(runtime.db) as session:
        session.execute(update(Patient).where(Patient.code == silent).values(call_needed=True))  # type: ignore[arg-type]
        today = local_today(clock(), ZONE)
        session.execute(update(Patient).where(Patient.code == green).values(monitor_until=today))  # type: ignore[arg-type]
        session.commit()
    clock.advance(minutes=30)

    lists = line_lists(runtime.db, TRAN_PHU, clock(), ZONE)

    assert codes(lists.red.rows) == [red]
    assert lists.red.rows[0].open_minutes == 30
    assert codes(lists.yellow.rows) == [yellow]
    assert set(codes(lists.silent.rows)) == {silent, stopped}
    assert codes(lists.pending.rows) == [pending]
    assert codes(lists.ending.rows) == [green]
    assert codes(lists.stopped.rows) == [stopped]
    assert codes(lists.undeliverable.rows) == [silent]
    assert lists.active == 5
    assert other not in codes(lists.silent.rows)
    assert codes(line_lists(runtime.db, {"tyt-quang-trung"}, clock(), ZONE).silent.rows) == [other]


def test_a_patient_silent_two_days_is_flagged_and_listed_first(
    runtime: Runtime, phone: Callable[[str], Phone], clock: Clock
) -> None:
    quiet = direct(phone, "0987000011", "Nguyen Van Lang")
    talker = direct(phone, "0987000012", "Tran Van Noi")
    phone("+84987000011").send(GREEN)
    phone("+84987000012").send(GREEN)
    clock.advance(days=1)
    phone("+84987000012").send(GREEN)
    clock.advance(days=1)

    lists = line_lists(runtime.db, TRAN_PHU, clock(), ZONE)

    assert codes(lists.silent.rows) == [quiet, talker]
    assert [(r.days_silent, r.flagged) for r in lists.silent.rows] == [(2, True), (1, False)]


def test_a_later_green_declaration_takes_a_patient_off_the_yellow_list_and_limits_cut_rows_not_counts(
    runtime: Runtime, phone: Callable[[str], Phone], clock: Clock
) -> None:
    first = direct(phone, "0987000021", "Nguyen Van Mot")
    direct(phone, "0987000022", "Nguyen Van Hai")
    phone("+84987000021").send(YELLOW)
    clock.advance(hours=2)
    phone("+84987000021").send(GREEN)

    lists = line_lists(runtime.db, TRAN_PHU, clock(), ZONE, limit=1)

    assert lists.yellow.count == 0
    assert lists.silent.count == 1
    assert first not in codes(lists.silent.rows)
    everyone = line_lists(runtime.db, TRAN_PHU, clock() + timedelta(days=1), ZONE, limit=1)
    assert everyone.silent.count == 2
    assert len(everyone.silent.rows) == 1
