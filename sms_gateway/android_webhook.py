"""`POST /sms/android`: the JSON webhook events of SMS Gateway for Android. Size, signature, JSON; then the service.

The app signs each event: `X-Signature` is the hex HMAC-SHA256 of the raw body followed by the
`X-Timestamp` value (Unix seconds), keyed with its signing key (`gateway.android.webhook_secret`).
A bad or missing signature, or a timestamp more than 5 minutes away, is refused with 401 before
anything is stored. Events:

- `sms:received`: an SMS to the phone's SIM, handed to the application service; the reply goes
  out through the outbox as an SMS (this answer carries nothing back to the phone);
- `sms:sent`, `sms:delivered`, `sms:failed`: receipts for a message we sent (by its `messageId`),
  moving its status forward as Twilio's receipts do;
- anything else (`system:ping`, `sms:data-received`, `mms:*`, ...): ignored, 204.

Deduplication is by the event's `id`: the app retries an event until it gets a 2xx, and the
payload's `messageId` of a received SMS is derived from its content (the same declaration sent
on two days has the same one). 503 when the event could not be stored: the app tries again.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, Flask, Response, abort, current_app, request

from dialogs.phones import normalize_phone
from sms_gateway.inbound_rules import MAX_PROVIDER_ID, is_allowed_sender, strip_controls
from sms_gateway.twilio_webhook import RETRY_AFTER_SECONDS, refuse_large_bodies
from sms_gateway.wire import InboundPort, InboundSms, NotStored

bp = Blueprint("android", __name__)
bp.before_request(refuse_large_bodies)
EXTENSION = "sms_gateway.android"
WEBHOOK = "/sms/android"
CHANNEL = "android"
MAX_SKEW_SECONDS = 300
RECEIPTS = {"sms:sent": "sent", "sms:delivered": "delivered", "sms:failed": "failed"}
_ID = re.compile(rf"[\x21-\x7e]{{1,{MAX_PROVIDER_ID}}}", re.ASCII)
_TIMESTAMP = re.compile(r"[0-9]{1,12}", re.ASCII)


@dataclass(frozen=True)
class AndroidEdge:
    """What the webhook needs: the application, the signing key, the service's country, the time."""

    port: InboundPort
    secret: str  # empty: no phone configured, every event is refused
    region: str  # local numbers the phone reports (0912...) are read for this country
    clock: Callable[[], float]  # Unix seconds now
    short_codes: frozenset[str] = field(default_factory=frozenset)  # senders allowed besides E.164 numbers


def install(
    app: Flask,
    port: InboundPort,
    secret: str,
    region: str,
    clock: Callable[[], float],
    short_codes: Collection[str] = (),
) -> None:
    """Serve the Android gateway's webhook in `app`, handing messages to `port`."""
    app.extensions[EXTENSION] = AndroidEdge(port, secret, region, clock, frozenset(short_codes))
    app.register_blueprint(bp)


def signature(secret: str, body: bytes, timestamp: str) -> str:
    """The `X-Signature` the app sends with `body` at `timestamp`."""
    return hmac.new(secret.encode(), body + timestamp.encode(), hashlib.sha256).hexdigest()


def _edge() -> AndroidEdge:
    edge: AndroidEdge = current_app.extensions[EXTENSION]
    return edge


def check_signature(edge: AndroidEdge) -> bytes:
    """The raw body, once signed with the key and fresh; 401 otherwise."""
    body = request.get_data(cache=True)
    stamp = request.headers.get("X-Timestamp", "").strip()
    given = request.headers.get("X-Signature", "").strip().lower()
    if not edge.secret or not given or not _TIMESTAMP.fullmatch(stamp):
        abort(401)
    if abs(edge.clock() - int(stamp)) > MAX_SKEW_SECONDS:
        abort(401)
    if not hmac.compare_digest(signature(edge.secret, body, stamp), given):
        abort(401)
    return body


def parse_event(body: bytes) -> tuple[str, str, dict[str, Any]]:
    """(event, id, payload) of a webhook body; 400 for what is not such an event."""
    try:
        event = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        abort(400)
    if not isinstance(event, dict):
        abort(400)
    name, event_id, payload = event.get("event"), event.get("id"), event.get("payload")
    if not isinstance(name, str) or not isinstance(event_id, str) or not _ID.fullmatch(event_id):
        abort(400)
    return name, event_id, payload if isinstance(payload, dict) else {}


def e164(raw: str, region: str) -> str:
    """The sender as E.164 when it is a phone number (the phone may report 0912..., 84912... or +84 912...);
    a short code or a name ("Viettel") stays as it is, for the sender check."""
    return normalize_phone(raw.strip(), region) or raw.strip()


def received(edge: AndroidEdge, event_id: str, payload: dict[str, Any]) -> Response:
    sender, text = payload.get("sender") or payload.get("phoneNumber"), payload.get("message")
    if not isinstance(sender, str) or not sender.strip() or not isinstance(text, str):
        abort(400)
    phone = e164(strip_controls(sender), edge.region)
    sms = InboundSms(phone, strip_controls(text), event_id, CHANNEL, reply_in_answer=False)
    if is_allowed_sender(phone, edge.short_codes, edge.region):
        edge.port.receive(sms)
    else:
        # A carrier's notice or a named sender: kept as rejected, no conversation; 2xx, or the app retries it.
        edge.port.reject(sms, "sender")
    return Response(status=204)


def receipt(edge: AndroidEdge, status: str, payload: dict[str, Any]) -> Response:
    message_id = payload.get("messageId")
    if not isinstance(message_id, str) or not _ID.fullmatch(message_id):
        abort(400)
    edge.port.record_receipt(message_id, status, None)
    return Response(status=204)


@bp.post(WEBHOOK)
def inbound() -> Response:
    edge = _edge()
    name, event_id, payload = parse_event(check_signature(edge))
    try:
        if name == "sms:received":
            return received(edge, event_id, payload)
        if name in RECEIPTS:
            return receipt(edge, RECEIPTS[name], payload)
    except NotStored:
        return Response(status=503, headers={"Retry-After": RETRY_AFTER_SECONDS})
    return Response(status=204)  # an event this service has no use for
