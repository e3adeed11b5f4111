"""Ten days of one clinic's cohort: patients text the real webhook, the jobs run at their local
times, and the test checks every SMS each phone received, and on which local day.

Day 0 is Wednesday 25/11/2026: BS Lan registers everyone by SMS at 08:00 (the conftest clock),
so each patient's positive test is on day 0 and the rapid test is asked on day 7.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, col, select

from dialogs.text import segments
from f0care.runtime import Runtime, job_context
from models.tables import Alert, Message, Patient
from scheduler.context import JobContext
from scheduler.runner import run_named
from tests.support.fakes import Clock
from tests.support.phone import Phone

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DAY0 = date(2026, 11, 25)
DAYS = range(1, 11)
DOCTOR, NURSE, SUPERVISOR = "+84912000001", "+84912000002", "+84912000003"  # Tram Y te phuong Tran Phu
ONCALL = "+84912000099"
GREEN = "98 18 86 37 0 0"
RED = "93 18 86 37 0 0"  # SpO2 93%


@dataclass(frozen=True)
class Person:
    name: str  # in the table below
    number: str  # E.164
    full_names: tuple[str, ...]  # one per patient on the phone


ANSWERS_DAILY = Person("answers daily", "+84987100001", ("Nguyen Van An",))
ANSWERS_TOO = Person("answers too", "+84987100002", ("Tran Thi Binh",))
LATE = Person("late", "+84987100003", ("Pham Van Chi",))
SILENT = Person("silent", "+84987100004", ("Vu Thi Dung",))
RED_UNACKED = Person("red unacked", "+84987100005", ("Hoang Van Giang",))
OPTS_OUT = Person("opts out", "+84987100006", ("Dang Thi Hoa",))
DISCHARGED = Person("discharged", "+84987100007", ("Bui Van Khanh",))
HOUSEHOLD = Person("household", "+84987100008", ("Le Van Cuong", "Le Thi Dao", "Le Van Em"))
PEOPLE = (ANSWERS_DAILY, ANSWERS_TOO, LATE, SILENT, RED_UNACKED, OPTS_OUT, DISCHARGED, HOUSEHOLD)
STAFF = {DOCTOR: "doctor", NURSE: "nurse", SUPERVISOR: "supervisor", ONCALL: "on-call"}


def each(days: Iterable[int], kinds: str) -> dict[int, str]:
    return {day: kinds for day in days}


# What each phone received, per local day, in order. A scheduled send is named by its key
# (prompt, reminder, test, digest, ack1 = the clinic again, ack2 = on-call); the others by
# kind: reply (the answer to an SMS), welcome, alert (a red alert), staff, notice.
EXPECTED: dict[str, dict[int, str]] = {
    "answers daily": {
        0: "welcome",
        **each(DAYS, "prompt reply"),
        7: "prompt reply test",  # day 7: the rapid test; unanswered, asked again on day 10
        10: "prompt reply test",
        11: "prompt",
    },
    "answers too": {
        0: "welcome",
        **each(DAYS, "prompt reply"),
        7: "prompt reply test",
        10: "prompt reply test",
        11: "prompt",
    },
    "late": {  # answers at 09:30, after the reminder, before the deadline
        0: "welcome",
        **each(DAYS, "prompt reminder reply"),
        7: "prompt test reminder reply",
        10: "prompt test reminder reply",
        11: "prompt",
    },
    "silent": {
        0: "welcome",
        **each(DAYS, "prompt reminder"),
        2: "prompt reminder notice",  # the nurse acknowledged the "not reporting" alert
        7: "prompt test reminder",
        10: "prompt test reminder",
        11: "prompt",
    },
    "red unacked": {
        0: "welcome",
        **each(DAYS, "prompt reply"),
        7: "prompt reply test",
        10: "prompt reply test",
        11: "prompt",
    },
    "opts out": {0: "welcome", 1: "prompt reply", 2: "prompt reply"},  # STOP on day 2: nothing after
    "discharged": {
        0: "welcome",
        **each(DAYS, "prompt reply"),
        7: "prompt reply test reply",  # DUONG: still positive, asked again on day 10
        10: "prompt reply test reply notice",  # AM, the doctor's XONG, the closing message
    },
    "household": {  # one prompt for three: cheaper than three prompts
        0: "welcome welcome welcome",
        **each(DAYS, "prompt reply reply reply"),
        7: "prompt reply reply reply test test test",
        10: "prompt reply reply reply test test test",
        11: "prompt",
    },
    # Staff: one "not reporting" alert for "silent" (at the deadline of its second silent day),
    # none again while the same silence goes on, none for "opts out" (listed as opted out instead).
    "doctor": {
        0: " ".join(["reply"] * 10),  # the ten DK registrations
        **each(DAYS, "digest"),
        2: "alert digest",  # "silent": two days without a declaration
        3: "alert ack1 digest",  # "red unacked" at 07:20, again at 08:00
        10: "staff reply digest",  # "discharged" tested negative; XONG
    },
    "nurse": {**each(DAYS, "digest"), 2: "alert digest reply", 3: "alert ack1 digest", 10: "staff digest"},
    "supervisor": {**each(DAYS, "digest"), 2: "alert digest", 3: "alert ack1 digest", 10: "staff digest"},
    "on-call": {3: "ack2"},  # 08:30 on day 3, once
}


def at(day: int, hhmm: str) -> datetime:
    """Local wall-clock time on cohort day `day`."""
    hours, minutes = map(int, hhmm.split(":"))
    return datetime.combine(DAY0 + timedelta(days=day), datetime.min.time(), TZ).replace(hour=hours, minute=minutes)


def job_times() -> list[tuple[str, str]]:
    daily = [("07:00", "morning-prompts"), ("08:00", "end-of-monitoring"), ("09:00", "reminder"), ("10:00", "deadline")]
    acks = [(f"{7 + m // 60:02d}:{m % 60:02d}", "ack-watch") for m in range(0, 5 * 60 + 1, 30)]
    pending = [(f"{h:02d}:15", "pending-watch") for h in range(7, 21)]
    return daily + acks + pending


class Cohort:
    def __init__(self, runtime: Runtime, phone: Callable[[str], Phone]) -> None:
        self.runtime = runtime
        self.jobs: JobContext = job_context(runtime)
        self.phone = phone
        self.codes: dict[str, list[str]] = {}

    @property
    def clock(self) -> Clock:
        assert isinstance(self.runtime.clock, Clock)
        return self.runtime.clock

    def enrol(self) -> None:
        for person in PEOPLE:
            for full_name in person.full_names:
                reply = self.phone(DOCTOR).send(f"DK {person.number} {full_name}, 1980, Tran Phu")
                found = re.search(r"Da dang ky ([A-Z0-9]{5})", reply)
                assert found, reply
                self.codes.setdefault(person.name, []).append(found.group(1))

    def code(self, person: Person) -> str:
        return self.codes[person.name][0]

    def texts(self, day: int) -> list[tuple[str, Person | str, str]]:
        """What people text on `day`: (local time, who, text)."""
        plan: list[tuple[str, Person | str, str]] = []
        for person in (ANSWERS_DAILY, ANSWERS_TOO, DISCHARGED):
            plan.append(("07:20", person, GREEN))
        plan.append(("07:20", RED_UNACKED, RED if day == 3 else GREEN))
        plan += [("07:20", HOUSEHOLD, f"{code} {GREEN}") for code in self.codes[HOUSEHOLD.name]]
        if day == 1:
            plan.append(("07:20", OPTS_OUT, GREEN))
        if day == 2:
            plan.append(("07:20", OPTS_OUT, "STOP"))
            plan.append(("10:10", NURSE, f"OK {self.code(SILENT)}"))  # before ack-watch at 10:30
        if day == 7:
            plan.append(("08:10", DISCHARGED, "DUONG"))
        if day == 10:
            plan.append(("08:10", DISCHARGED, "AM"))
            plan.append(("08:20", DOCTOR, f"XONG {self.code(DISCHARGED)}"))
        plan.append(("09:30", LATE, GREEN))
        return plan

    def live(self, day: int) -> None:
        """One local day: the jobs at their times, people's texts in between (a job first at a tie)."""
        jobs = [(hhmm, 0, name, "") for hhmm, name in job_times()]
        texts = [(hhmm, 1, who.number if isinstance(who, Person) else who, text) for hhmm, who, text in self.texts(day)]
        for hhmm, is_text, name_or_number, text in sorted(jobs + texts):
            if is_text:
                self.send(name_or_number, text, at(day, hhmm))
            else:
                run_named(self.jobs, name_or_number, at(day, hhmm))

    def send(self, number: str, text: str, moment: datetime) -> None:
        self.clock.now = moment
        self.phone(number).send(text)

    def received(self) -> dict[str, dict[int, str]]:
        """Every outbound message per phone and local day, named by its key or kind, in order."""
        names = {p.number: p.name for p in PEOPLE} | STAFF
        table: dict[str, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
        with Session(self.runtime.db) as session:
            query = select(Message).where(Message.direction == "out").order_by(col(Message.created_at), col(Message.id))
            for message in session.exec(query):
                day = (message.created_at.astimezone(TZ).date() - DAY0).days
                table[names.get(message.phone, message.phone)][day].append(kind_of(message))
        return {who: {day: " ".join(kinds) for day, kinds in days.items()} for who, days in table.items()}


def kind_of(message: Message) -> str:
    if message.dedupe_key is None:
        return message.kind
    parts = message.dedupe_key.split(":")
    return f"ack{parts[2]}" if parts[0] == "ack" else parts[0]


def differences(got: dict[str, dict[int, str]], expected: dict[str, dict[int, str]]) -> list[str]:
    lines = []
    for who in sorted(set(got) | set(expected)):
        mine, theirs = got.get(who, {}), expected.get(who, {})
        for day in sorted(set(mine) | set(theirs)):
            if mine.get(day) != theirs.get(day):
                lines.append(f"{who:>14} day {day:2}: got {mine.get(day, '-')!r}, expected {theirs.get(day, '-')!r}")
    return lines


@pytest.fixture
def cohort(runtime: Runtime, phone: Callable[[str], Phone]) -> Cohort:
    group = Cohort(runtime, phone)
    group.enrol()
    for day in DAYS:
        group.live(day)
    run_named(group.jobs, "morning-prompts", at(11, "07:00"))  # the morning after: who is still asked
    return group


def test_ten_days_of_a_cohort_send_each_phone_exactly_the_expected_messages(cohort: Cohort) -> None:
    problems = differences(cohort.received(), EXPECTED)
    assert not problems, "messages that differ from the expected table:\n" + "\n".join(problems)


def test_a_patient_who_never_answers_raises_one_not_reporting_alert_and_one_who_opted_out_none(
    cohort: Cohort, runtime: Runtime
) -> None:
    with Session(runtime.db) as session:
        by_code = {p.code: p.id for p in session.exec(select(Patient))}
        alerts = list(session.exec(select(Alert).where(Alert.kind == "not_reporting")))
    silent = [a for a in alerts if a.patient_id == by_code[cohort.code(SILENT)]]
    assert [a.created_at for a in silent] == [at(2, "10:00")]  # silent on days 1 and 2
    assert [a for a in alerts if a.patient_id == by_code[cohort.code(OPTS_OUT)]] == []


def test_the_household_prompt_the_digest_and_the_on_call_alert_say_what_they_should(
    cohort: Cohort, runtime: Runtime
) -> None:
    with Session(runtime.db) as session:
        outbound = list(session.exec(select(Message).where(Message.direction == "out")))
    household = [m for m in outbound if m.phone == HOUSEHOLD.number and (m.dedupe_key or "").startswith("prompt:")]
    codes = cohort.codes[HOUSEHOLD.name]
    texts = runtime.program.texts("vi")
    separate = sum(segments(texts("daily_prompt", code=f"{code}: ", date="26/11")) for code in codes)
    assert len(household) == 11
    for prompt in household:
        assert all(code in prompt.body for code in codes), prompt.body
        assert prompt.segments < separate

    (digest,) = [
        m.body for m in outbound if (m.dedupe_key or "").startswith(f"digest:2026-11-28:tyt-tran-phu:{NURSE}:")
    ]
    red, silent, opted = cohort.code(RED_UNACKED), cohort.code(SILENT), cohort.code(OPTS_OUT)
    assert "28/11: da khai bao 8/10." in digest  # day 3
    assert re.search(rf"Do chua OK \(1\): {red} ", digest), digest
    assert re.search(rf"Chua KB \(2\): ({silent}|{opted}) .*, ({silent}|{opted}) ", digest), digest
    assert re.search(rf"Da dung tin \(1\): {opted} DTH 0987\*\*\*006", digest), digest

    (oncall,) = [m for m in outbound if m.phone == ONCALL and red in m.body]
    assert f"OK {red}" in oncall.body
    assert "Tram Y te phuong Tran Phu" in oncall.body
    assert oncall.created_at == at(3, "08:30")
