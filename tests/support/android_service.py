"""The service configured for SMS Gateway for Android, for integration tests: the phone stub out, signed events in."""

from __future__ import annotations

from dataclasses import dataclass

from flask.testing import FlaskClient
from sqlmodel import Session, col, select
from werkzeug.test import TestResponse

from f0care.config import Config
from f0care.config.android import AndroidConfig
from f0care.runtime import Runtime
from models.tables import Message
from tests.support import android_events
from tests.support.android_events import WEBHOOK, Events
from tests.support.android_stub import PASSWORD, USERNAME, AndroidStub

SECRET_KEY = "tests-secret-" + "a1c9" * 8  # made up: a provider other than console needs a real-looking key


def android_config(config: Config, stub_url: str, twilio_token: str = "") -> Config:
    """`config` with gateway.provider android pointed at the stub (and Twilio's inbound token, if given)."""
    phone = AndroidConfig(base_url=stub_url, username=USERNAME, password=PASSWORD, webhook_secret=android_events.SECRET)
    twilio = config.gateway.twilio.model_copy(update={"auth_token": twilio_token})
    gateway = config.gateway.model_copy(update={"provider": "android", "android": phone, "twilio": twilio})
    service = config.service.model_copy(update={"secret_key": SECRET_KEY})
    return config.model_copy(update={"gateway": gateway, "service": service})


@dataclass
class AndroidPhone:
    """The phone as the service sees it: it posts signed events to `/sms/android` and sends what the outbox gives it."""

    client: FlaskClient
    events: Events
    stub: AndroidStub
    runtime: Runtime

    def post(self, event: str, payload: dict[str, object], event_id: str | None = None) -> TestResponse:
        body, headers = self.events.signed(event, payload, event_id)
        return self.client.post(WEBHOOK, data=body, headers=headers)

    def sms(self, sender: str, text: str, event_id: str | None = None, message_id: str = "msg-1") -> TestResponse:
        """An SMS to the phone's SIM, as the app reports it."""
        return self.post("sms:received", android_events.received(sender, text, message_id), event_id)

    def replies(self, to: str) -> list[str]:
        """What the phone was asked to send to `to`, in order."""
        return [sent.text for sent in self.stub.messages if sent.to == to]

    def rows(self, *where: object) -> list[Message]:
        with Session(self.runtime.db) as session:
            return list(session.exec(select(Message).where(*where).order_by(col(Message.id))))  # type: ignore[arg-type]
