"""The transcript backend that goes through the Android gateway's webhook: signed `sms:received` events in,
the reply queued in the outbox and sent as an SMS (recorded), on a real database.

The golden threads list the reply first; here it leaves through the outbox after the messages the
SMS caused, so `drain` puts it back in front (found by the inbound's stored reply), and every
other message keeps its order: the same thread, through another channel.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask.testing import FlaskClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from f0care.app import create_app
from f0care.config import Config
from f0care.runtime import build_runtime, job_context
from models.tables import Message
from scheduler.runner import run_named
from tests.support import android_events
from tests.support.android_events import WEBHOOK, Events
from tests.support.android_service import android_config
from tests.support.fakes import Clock, RecordingSender
from tests.support.transcript import Outgoing

UNUSED_PHONE_API = "http://127.0.0.1:9"  # never called: the recording sender stands in for the phone's API


class AndroidBackend:
    """Each SMS is a signed POST to /sms/android (Flask test client); jobs run by name from the job table."""

    def __init__(self, config: Config, db: Engine) -> None:
        self.clock = Clock(datetime(2000, 1, 1, tzinfo=UTC))  # each send and job sets it
        self.sender = RecordingSender()
        android = android_config(config, UNUSED_PHONE_API)
        self.runtime = build_runtime(android, sender=self.sender, db=db, clock=self.clock)
        self.client: FlaskClient = create_app(self.runtime).test_client()
        self.events = Events(clock=lambda: self.clock.now.timestamp())
        self.count = 0
        self.reply: Outgoing | None = None
        self.seen = 0  # messages of the sender's log already drained

    def send(self, phone: str, text: str, now: datetime) -> None:
        self.clock.now = now
        self.count += 1
        event_id = f"golden{self.count:08d}"
        body, headers = self.events.signed("sms:received", android_events.received(phone, text), event_id)
        response = self.client.post(WEBHOOK, data=body, headers=headers)
        assert response.status_code == 204, f"the webhook answered HTTP {response.status_code} to {text!r}"
        reply = self._stored_reply(event_id)
        self.reply = Outgoing(phone, reply) if reply else None

    def _stored_reply(self, event_id: str) -> str | None:
        with Session(self.runtime.db) as session:
            inbound = session.exec(select(Message.id).where(Message.provider_sid == event_id)).one()
            query = select(Message.body).where(Message.in_reply_to == inbound, Message.kind == "reply")
            return session.exec(query).first()

    def run_job(self, name: str, now: datetime) -> None:
        self.clock.now = now
        run_named(job_context(self.runtime), name, now)

    def drain(self) -> list[Outgoing]:
        sent = [Outgoing(to, body) for to, body in self.sender.log[self.seen :]]
        self.seen = len(self.sender.log)
        reply, self.reply = self.reply, None
        if reply is not None and reply in sent:
            sent.remove(reply)  # the first one: sent once, after what the message caused
            return [reply, *sent]
        return sent
