"""A phone that talks to the app through the real webhook, with real Twilio signatures."""

from __future__ import annotations

import itertools
from xml.etree import ElementTree

from flask.testing import FlaskClient

from f0care.cli.simulator import WEBHOOK, sign
from f0care.config import Config
from tests.support.fakes import RecordingSender

_sids = itertools.count(1)


class Phone:
    def __init__(self, number: str, client: FlaskClient, config: Config, sender: RecordingSender) -> None:
        self.number = number  # E.164
        self.client = client
        self.config = config
        self.sender = sender
        self.replies: list[str] = []

    def send(self, text: str, sid: str | None = None) -> str:
        """Send an SMS; returns the TwiML reply text ('' for none)."""
        params = {"From": self.number, "To": "+84900000000", "Body": text, "MessageSid": sid or f"SM{next(_sids):032d}"}
        response = self.client.post(WEBHOOK, data=params, headers={"X-Twilio-Signature": sign(self.config, params)})
        assert response.status_code == 200, response.status_code
        root = ElementTree.fromstring(response.get_data(as_text=True))
        reply = "\n".join(m.text or "" for m in root.iter("Message"))
        self.replies.append(reply)
        return reply

    def last_reply(self) -> str:
        return self.replies[-1] if self.replies else ""

    @property
    def inbox(self) -> list[str]:
        """Messages the gateway delivered to this phone (not the TwiML replies)."""
        return self.sender.sent.get(self.number, [])

    def last_sms(self) -> str:
        return self.inbox[-1] if self.inbox else ""
