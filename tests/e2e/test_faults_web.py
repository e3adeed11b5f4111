"""Fault tests for the web tier: real gunicorn workers (`f0care.wsgi:app`, outbox mode "external")
behind signed webhook posts on loopback.

- A web worker killed with SIGKILL in the middle of a burst: every answered message is stored with
  its reply, no conversation is half-written, gunicorn replaces the worker and the service answers.
- Concurrency on PostgreSQL with several workers and threads: 20 messages from one phone at once,
  the same MessageSid five times at once, two staff members accepting the same patient at once.

The test reads the outcome from the database, as an operator would query it.
"""

from __future__ import annotations

import os
import re
import signal
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, closing
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests
from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool
from sqlmodel import Session, col, func, select

from f0care.config import load_config
from models.db import make_engine
from models.tables import Contact, Declaration, Message, Patient
from tests.support.databases import schema_database
from tests.support.processes import Processes, free_port
from tests.support.service import Gunicorn, start_gunicorn, write_config
from tests.support.webhook import Webhook, reply_text

pytestmark = pytest.mark.e2e

DOCTOR = "+84912000001"  # BS Lan, Tram Y te phuong Tran Phu
NURSE = "+84912000002"  # DD Mai, same clinic
STAFF_NAMES = {DOCTOR: "BS Lan", NURSE: "DD Mai"}
CLINIC = "tyt-tran-phu"
REGISTRATION = ("DK", "Nguyen Van An", "1980", "Tran Phu", "NAY", "hom nay", "K", "K")  # ends waiting for the OTP
DECLARATION = "98 18 86 37.5 0 0"  # green
BURST_PHONES = 40
BURST_THREADS = 8
POST_ATTEMPTS = 8  # a post cut off by the kill is sent again with the same MessageSid, as Twilio would
BURST_TIMEOUT = 45.0


@dataclass
class Web:
    gunicorn: Gunicorn
    hook: Webhook
    db: Engine


StartWeb = Callable[..., Web]


@pytest.fixture
def start_web(procs: Processes, tmp_path: Path) -> Iterator[StartWeb]:
    """`start_web(kind, workers=, threads=)`: gunicorn on a fresh database; stopped, database dropped after."""
    with ExitStack() as stack:

        def start(kind: str, workers: int = 3, threads: int = 1) -> Web:
            url = stack.enter_context(schema_database(kind, tmp_path))
            port = free_port()
            config = write_config(tmp_path, url, f"http://127.0.0.1:{port}", {"provider": "console"})
            token = load_config(config, environ={}).webhook_auth_token
            stack.callback(procs.stop_all)  # before the database is dropped
            gunicorn = start_gunicorn(procs, config, port, workers=workers, threads=threads)
            engine = make_engine(url, poolclass=NullPool)
            stack.callback(engine.dispose)
            hook = stack.enter_context(closing(Webhook(gunicorn.base_url, token)))
            return Web(gunicorn, hook, engine)

        yield start


# ---------------------------------------------------------------- kill -9 during a burst


@dataclass
class Post:
    """One inbound SMS of the burst and what the service answered in the end."""

    phone: str
    text: str
    sid: str
    status: int | None = None
    reply: str = ""
    failures: list[str] = field(default_factory=list)


def burst_sid(phone: str, step: int) -> str:
    return f"SM{int(phone[1:]):030x}{step:02x}"


def converse(web: Web, phones: list[str], progress: Callable[[], None]) -> list[Post]:
    """Register each phone step by step (phones interleaved); a cut-off post is sent again unchanged."""
    posts: list[Post] = []
    with requests.Session() as http:
        for step, text in enumerate(REGISTRATION):
            for phone in phones:
                post = Post(phone, text, burst_sid(phone, step))
                params = web.hook.params(phone, text, post.sid)
                for _attempt in range(POST_ATTEMPTS):
                    try:
                        response = web.hook.post(params, http=http)
                    except requests.RequestException as exc:
                        post.failures.append(type(exc).__name__)
                        continue
                    if response.status_code != 200:
                        post.failures.append(f"HTTP {response.status_code}")
                        continue
                    post.status, post.reply = 200, reply_text(response)
                    break
                posts.append(post)
                progress()
    return posts


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_a_web_worker_killed_during_a_burst_loses_no_answered_message_and_is_replaced(
    start_web: StartWeb, kind: str
) -> None:
    web = start_web(kind, workers=3)

    # A control phone registers alone first: the state every burst phone must end in.
    with requests.Session() as http:
        for text in REGISTRATION:
            web.hook.sms("+84987600000", text, http=http)
    with Session(web.db) as session:
        control = session.get(Contact, "+84987600000")
        assert control is not None
        final_state, final_keys = control.state, set(control.state_data)

    phones = [f"+849877{i:05d}" for i in range(BURST_PHONES)]
    total = len(phones) * len(REGISTRATION)
    done, lock, kill_now = [0], threading.Lock(), threading.Event()

    def progress() -> None:
        with lock:
            done[0] += 1
            if done[0] >= total // 3:
                kill_now.set()

    with ThreadPoolExecutor(BURST_THREADS) as pool:
        futures = [pool.submit(converse, web, phones[i::BURST_THREADS], progress) for i in range(BURST_THREADS)]
        assert kill_now.wait(BURST_TIMEOUT), "the burst did not get a third of the way"
        victim = web.gunicorn.worker_pids()[0]
        os.kill(victim, signal.SIGKILL)
        posts = [post for future in futures for post in future.result(timeout=BURST_TIMEOUT)]

    # Every post was answered in the end (a cut-off one on a later attempt), only ever by a 200 or a dropped connection.
    assert len(posts) == total
    unanswered = [p for p in posts if p.status != 200]
    assert not unanswered, unanswered[:5]
    http_errors = [p for p in posts if any(f.startswith("HTTP") for f in p.failures)]
    assert not http_errors, http_errors[:5]

    with Session(web.db) as session:
        inbound = list(session.exec(select(Message).where(Message.direction == "in").order_by(col(Message.id))))
        replies = list(session.exec(select(Message).where(Message.kind == "reply")))
        contacts = {c.phone: c for c in session.exec(select(Contact))}
        otps = Counter(m.phone for m in session.exec(select(Message).where(Message.kind == "otp")))

    # Every answered post is stored once, with the reply it was answered with.
    by_sid = {m.provider_sid: m for m in inbound}
    reply_of: dict[int | None, list[Message]] = {}
    for reply in replies:
        reply_of.setdefault(reply.in_reply_to, []).append(reply)
    for post in posts:
        stored = by_sid.get(post.sid)
        assert stored is not None, post
        assert stored.status == "replied", (post, stored)
        assert [r.body for r in reply_of.get(stored.id, [])] == [post.reply], (post, reply_of.get(stored.id))

    # No half-written conversation: every inbound row has its outcome, every reply its message...
    assert {m.status for m in inbound} <= {"replied", "received"}, Counter(m.status for m in inbound)
    for message in inbound:
        expected = 1 if message.status == "replied" else 0
        assert len(reply_of.get(message.id, [])) == expected, message
    assert set(reply_of) <= {m.id for m in inbound}, "a reply to no stored message"
    # ...and each phone's stored messages, state and outbox are those of the control registration.
    for phone in phones:
        assert [m.body for m in inbound if m.phone == phone] == list(REGISTRATION), phone
        contact = contacts.get(phone)
        assert contact is not None, phone
        assert (contact.state, set(contact.state_data)) == (final_state, final_keys), phone
        assert otps[phone] == 1, (phone, otps[phone])

    # gunicorn has replaced the killed worker, and the service answers again.
    pids = web.gunicorn.wait_ready(replaced=victim)
    assert victim not in pids
    assert len(pids) == 3
    with requests.Session() as http:
        for i in range(6):
            assert "1/7" in web.hook.sms(f"+84987650{i:03d}", "DK", http=http)
    web.gunicorn.proc.check_alive()


# ---------------------------------------------------------------- concurrency on PostgreSQL


def at_once(hook: Webhook, batch: list[dict[str, str]]) -> list[tuple[int, str]]:
    """Post every form of `batch` at the same moment, each on its own connection; (status, reply) each."""
    gate = threading.Barrier(len(batch))

    def one(params: dict[str, str]) -> tuple[int, str]:
        with requests.Session() as http:
            gate.wait(timeout=20)
            response = hook.post(params, http=http, timeout=30)
            return response.status_code, reply_text(response) if response.status_code == 200 else response.text

    with ThreadPoolExecutor(len(batch)) as pool:
        return list(pool.map(one, batch, timeout=45))


def register_by_staff(web: Web, phone: str) -> str:
    """`DK <phone> ...` from the doctor: an active patient at once; its code."""
    with requests.Session() as http:
        reply = web.hook.sms(DOCTOR, f"DK 0{phone[3:]} Nguyen Van An, 1980, Tran Phu", http=http)
    found = re.search(r"Da dang ky ([A-Z2-9]{5}) ", reply)
    assert found, reply
    return found.group(1)


def no_failed_inbound(db: Engine) -> None:
    with Session(db) as session:
        failed = session.exec(select(Message).where(Message.direction == "in", Message.status == "error")).all()
    assert not failed, [(m.phone, m.body) for m in failed]


@pytest.mark.postgres
def test_twenty_messages_from_one_phone_at_once_are_all_recorded_and_answered(start_web: StartWeb) -> None:
    web = start_web("postgres", workers=4, threads=4)
    patient = "+84987111111"
    code = register_by_staff(web, patient)

    batch = [web.hook.params(patient, DECLARATION) for _ in range(20)]
    answers = at_once(web.hook, batch)

    assert [status for status, _ in answers] == [200] * 20, answers
    for _, reply in answers:
        assert "Da ghi" in reply, reply
        assert code in reply, reply
        assert "binh thuong" in reply, reply
    with Session(web.db) as session:
        inbound = session.exec(select(Message).where(Message.phone == patient, Message.direction == "in")).all()
        assert sorted(m.provider_sid or "" for m in inbound) == sorted(p["MessageSid"] for p in batch)
        assert {m.status for m in inbound} == {"replied"}
        answered = dict(zip((p["MessageSid"] for p in batch), (reply for _, reply in answers), strict=True))
        for message in inbound:
            replies = session.exec(select(Message.body).where(Message.in_reply_to == message.id)).all()
            assert replies == [answered[message.provider_sid or ""]], (message.provider_sid, replies)
        row = session.exec(select(Patient).where(Patient.code == code)).one()
        declarations = session.exec(select(func.count()).where(Declaration.patient_id == row.id)).one()
        assert declarations == 20
        contacts = session.exec(select(Contact).where(Contact.phone == patient)).all()
        assert [c.state for c in contacts] == ["idle"]
    no_failed_inbound(web.db)


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_twenty_wrong_codes_at_once_use_up_the_five_tries_one_by_one(start_web: StartWeb, kind: str) -> None:
    # Each wrong code counts against the conversation it read: a lost update would grant extra guesses.
    web = start_web(kind, workers=4, threads=4)
    phone = "+84987444444"
    with requests.Session() as http:
        for text in REGISTRATION:
            reply = web.hook.sms(phone, text, http=http)
    assert "ma xac nhan" in reply.lower(), reply
    with Session(web.db) as session:
        otp_sms = session.exec(select(Message.body).where(Message.phone == phone, Message.kind == "otp")).one()
    found = re.search(r"\b(\d{6})\b", otp_sms)
    assert found, "the queued OTP SMS holds the code"
    wrong = [code for code in (f"{n:06d}" for n in range(100_000, 100_030)) if code != found.group(1)][:20]

    answers = at_once(web.hook, [web.hook.params(phone, code) for code in wrong])

    assert [status for status, _ in answers] == [200] * 20, answers
    replies = Counter(reply for _, reply in answers)
    for left in (4, 3, 2, 1):
        assert sum(n for r, n in replies.items() if r.startswith(f"Ma khong dung. Con {left} lan thu")) == 1, replies
    assert sum(n for r, n in replies.items() if r.startswith("Sai ma 5 lan")) == 1, replies
    with Session(web.db) as session:
        contact = session.get(Contact, phone)
        assert contact is not None, contact
        assert contact.state == "idle", contact
        inbound = session.exec(select(func.count()).where(Message.phone == phone, Message.direction == "in")).one()
        assert inbound == len(REGISTRATION) + 20
    no_failed_inbound(web.db)


@pytest.mark.postgres
def test_the_same_message_sid_five_times_at_once_is_handled_once(start_web: StartWeb) -> None:
    web = start_web("postgres", workers=4, threads=4)
    patient = "+84987222222"
    code = register_by_staff(web, patient)

    # The first round also races on the patient's first contact row; later rounds on the stored message only.
    for round_ in range(1, 4):
        params = web.hook.params(patient, DECLARATION)
        answers = at_once(web.hook, [params] * 5)

        assert [status for status, _ in answers] == [200] * 5, answers
        texts = {reply for _, reply in answers}
        assert len(texts) == 1, texts
        assert code in texts.pop()
        with Session(web.db) as session:
            inbound = session.exec(select(Message).where(Message.provider_sid == params["MessageSid"])).all()
            assert len(inbound) == 1, inbound
            assert inbound[0].status == "replied", inbound
            replies = session.exec(select(Message).where(Message.in_reply_to == inbound[0].id)).all()
            assert [m.body for m in replies] == [answers[0][1]]
            row = session.exec(select(Patient).where(Patient.code == code)).one()
            declarations = session.exec(select(func.count()).where(Declaration.patient_id == row.id)).one()
            assert declarations == round_
            total_in = session.exec(select(func.count()).where(Message.phone == patient, Message.direction == "in"))
            assert total_in.one() == round_
    no_failed_inbound(web.db)


def pending_patient(db: Engine, code: str, phone: str) -> None:
    """A patient who registered themselves and waits for the clinic to accept them."""
    now = datetime.now(UTC)
    with Session(db) as session:
        session.add(
            Patient(
                code=code,
                full_name="Tran Thi Binh",
                birth_year=1975,
                area="Tran Phu",
                clinic_id=CLINIC,
                phone=phone,
                registered_by=phone,
                positive_test_date=now.date(),
                status="pending",
                created_at=now,
            )
        )
        session.commit()


@pytest.mark.postgres
def test_two_staff_accepting_the_same_patient_at_once_have_one_winner(start_web: StartWeb) -> None:
    web = start_web("postgres", workers=4, threads=4)

    for code, phone in (("PAB23", "+84987333301"), ("PCD45", "+84987333302"), ("PEF67", "+84987333303")):
        pending_patient(web.db, code, phone)
        batch = [web.hook.params(DOCTOR, f"DUYET {code}"), web.hook.params(NURSE, f"DUYET {code}")]
        answers = at_once(web.hook, batch)

        assert [status for status, _ in answers] == [200, 200], answers
        won = [i for i, (_, reply) in enumerate(answers) if reply.startswith(f"Da duyet {code}")]
        assert len(won) == 1, answers
        winner = STAFF_NAMES[batch[won[0]]["From"]]
        loser_reply = answers[1 - won[0]][1]
        assert f"{code} Tran Thi Binh da duoc {winner} xu ly (dang theo doi)" in loser_reply, loser_reply
        with Session(web.db) as session:
            row = session.exec(select(Patient).where(Patient.code == code)).one()
            assert (row.status, row.decided_by) == ("active", winner)
            welcomes = session.exec(select(Message).where(Message.phone == phone, Message.kind == "welcome")).all()
            assert len(welcomes) == 1, welcomes
            assert welcomes[0].status == "queued", welcomes
            assert code in welcomes[0].body
    no_failed_inbound(web.db)
