"""The transcript backend that goes through the signed Twilio webhook, on a real database."""

from __future__ import annotations

from datetime import UTC, datetime
from xml.etree import ElementTree

from flask.testing import FlaskClient
from sqlalchemy.engine import Engine

from f0care.app import create_app
from f0care.cli.simulator import WEBHOOK, sign
from f0care.config import Config
from f0care.runtime import build_runtime, job_context
from scheduler.runner import run_named
from tests.support.fakes import Clock, RecordingSender
from tests.support.transcript import Outgoing

SERVICE_NUMBER = "+84900000000"


class WebhookBackend:
    """Each SMS is a signed POST to /sms/twilio (Flask test client); jobs run by name from the job table."""

    def __init__(self, config: Config, db: Engine) -> None:
        self.clock = Clock(datetime(2000, 1, 1, tzinfo=UTC))  # each send and job sets it
        self.sender = RecordingSender()
        self.runtime = build_runtime(config, sender=self.sender, db=db, clock=self.clock)
        self.client: FlaskClient = create_app(self.runtime).test_client()
        self.config = config
        self.sids = 0
        self.reply: Outgoing | None = None
        self.seen = 0  # messages of the sender's log already drained

    def send(self, phone: str, text: str, now: datetime) -> None:
        self.clock.now = now
        self.sids += 1
        params = {"From": phone, "To": SERVICE_NUMBER, "Body": text, "MessageSid": f"SMgolden{self.sids:024d}"}
        response = self.client.post(WEBHOOK, data=params, headers={"X-Twilio-Signature": sign(self.config, params)})
        assert response.status_code == 200, f"the webhook answered HTTP {response.status_code} to {text!r}"
        replies = [m.text or "" for m in ElementTree.fromstring(response.get_data(as_text=True)).iter("Message")]
        self.reply = Outgoing(phone, "\n".join(replies)) if replies else None

    def run_job(self, name: str, now: datetime) -> None:
        self.clock.now = now
        run_named(job_context(self.runtime), name, now)

    def drain(self) -> list[Outgoing]:
        sent = [Outgoing(to, body) for to, body in self.sender.log[self.seen :]]
        self.seen = len(self.sender.log)
        reply, self.reply = self.reply, None
        return ([reply] if reply else []) + sent
