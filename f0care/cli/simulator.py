"""`f0care simulate`: a phone in the terminal, talking to the real webhook with valid signatures."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterable
from typing import TextIO
from xml.etree import ElementTree  # parses only our own replies (see _messages)  # nosec B405

import click
from flask.testing import FlaskClient
from twilio.request_validator import RequestValidator

from dialogs.phones import normalize_phone
from f0care.app import create_app
from f0care.cli.common import prepare_database
from f0care.config import Config
from f0care.runtime import build_runtime
from sms_gateway import android_webhook
from sms_gateway.senders import ConsoleSender

WEBHOOK = "/sms/twilio"


def sign(config: Config, params: dict[str, str], path: str = WEBHOOK) -> str:
    """The X-Twilio-Signature Twilio would send for `params` posted to `path`."""
    url = config.service.public_url.rstrip("/") + path
    return str(RequestValidator(config.webhook_auth_token).compute_signature(url, params))


def run_simulator(config: Config, phone: str, show_all: bool, lines: Iterable[str] | TextIO, interactive: bool) -> int:
    """Send each line as an SMS from `phone`; print replies and messages to that phone."""
    number = normalize_phone(phone, config.service.country)
    if number is None:
        click.echo(f'"{phone}" is not a phone number; try e.g. 0912345678', err=True)
        return 2

    def show(to: str, body: str) -> None:
        if to == number:
            click.echo(f"< {body}")
        elif show_all:
            click.echo(f"  (to {to}) {body}")

    runtime = build_runtime(config, sender=ConsoleSender(sink=show))
    prepare_database(runtime.db)
    client = create_app(runtime).test_client()
    service_number = config.gateway.twilio.from_number or "F0CARE"
    if interactive:
        click.echo(f"Phone {number}. Type an SMS and press Enter; Ctrl-D to quit. Try: DK")
    for line in lines:
        text = line.rstrip("\r\n")
        if not text.strip():
            continue
        if not interactive:
            click.echo(f"> {text}")
        if config.gateway.provider == "android":
            _post_android(client, config, number, text)  # the reply comes back through the outbox
            continue
        params = {"From": number, "To": service_number, "Body": text, "MessageSid": "SM" + uuid.uuid4().hex}
        response = client.post(WEBHOOK, data=params, headers={"X-Twilio-Signature": sign(config, params)})
        if response.status_code != 200:
            click.echo(f"! the webhook answered HTTP {response.status_code}", err=True)
            continue
        for reply in _messages(response.get_data(as_text=True)):
            click.echo(f"< {reply}")
    return 0


def _post_android(client: FlaskClient, config: Config, number: str, text: str) -> None:
    """The SMS as the phone of SMS Gateway for Android reports it: a signed `sms:received` event."""
    payload = {"messageId": uuid.uuid4().hex, "message": text, "sender": number, "phoneNumber": number}
    body = json.dumps({"id": uuid.uuid4().hex, "event": "sms:received", "payload": payload}).encode()
    stamp = str(int(time.time()))
    signature = android_webhook.signature(config.gateway.android.webhook_secret, body, stamp)
    headers = {"Content-Type": "application/json", "X-Signature": signature, "X-Timestamp": stamp}
    response = client.post(android_webhook.WEBHOOK, data=body, headers=headers)
    if response.status_code != 204:
        click.echo(f"! the webhook answered HTTP {response.status_code}", err=True)


def _messages(twiml: str) -> list[str]:
    root = ElementTree.fromstring(twiml)  # the TwiML of our own app, in this process  # nosec B314
    return [m.text or "" for m in root.iter("Message")]
