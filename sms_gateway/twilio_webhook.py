"""`POST /sms/twilio`: Twilio's inbound-message webhook. Size, signature, sender; then the service.

Order matters: a body over `MAX_BODY_BYTES` is refused (413) before a byte of it is read, the
signature is checked before anything is stored, and a message the service could not store is
answered 503 so that Twilio tries the number's fallback URL; a 200 means stored.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from flask import Blueprint, Flask, Response, abort, current_app, request
from twilio.request_validator import RequestValidator
from werkzeug.exceptions import RequestEntityTooLarge

from sms_gateway.inbound_rules import (
    MAX_BODY_BYTES,
    MAX_PROVIDER_ID,
    is_allowed_sender,
    parse_error_code,
    strip_controls,
)
from sms_gateway.wire import InboundPort, InboundSms, NotStored

bp = Blueprint("twilio", __name__)
TWIML_EMPTY = '<?xml version="1.0" encoding="UTF-8"?><Response/>'
EXTENSION = "sms_gateway.twilio"
RETRY_AFTER_SECONDS = "30"
_PROVIDER_ID = re.compile(rf"[\x21-\x7e]{{1,{MAX_PROVIDER_ID}}}", re.ASCII)  # visible ASCII


@dataclass(frozen=True)
class TwilioEdge:
    """What the webhook needs: the application, and how to check Twilio's signature."""

    port: InboundPort
    validator: RequestValidator
    public_url: str  # the base URL Twilio calls (and signs), not the one behind the proxy
    short_codes: frozenset[str] = field(default_factory=frozenset)  # senders allowed besides E.164 numbers
    region: str | None = None  # the service's country: the sender check shares the service's parse of the number
    enabled: bool = True  # False: no auth token (another provider, no Twilio account): every post is refused


def install(
    app: Flask,
    port: InboundPort,
    auth_token: str,
    public_url: str,
    short_codes: Collection[str] = (),
    region: str | None = None,
) -> None:
    """Serve Twilio's webhooks in `app`, handing messages to `port`."""
    validator = RequestValidator(auth_token)
    edge = TwilioEdge(port, validator, public_url, frozenset(short_codes), region, enabled=bool(auth_token))
    app.extensions[EXTENSION] = edge
    app.register_blueprint(bp)


def twiml(text: str | None) -> Response:
    """A TwiML answer; well-formed XML whatever `text` holds."""
    clean = strip_controls(text or "")
    if not clean:
        return Response(TWIML_EMPTY, mimetype="text/xml")
    body = f'<?xml version="1.0" encoding="UTF-8"?><Response><Message>{escape(clean)}</Message></Response>'
    return Response(body, mimetype="text/xml")


def unavailable() -> Response:
    """Not stored: Twilio calls the fallback URL, and a sender that retries later is handled then."""
    return Response(TWIML_EMPTY, status=503, mimetype="text/xml", headers={"Retry-After": RETRY_AFTER_SECONDS})


def _edge() -> TwilioEdge:
    edge: TwilioEdge = current_app.extensions[EXTENSION]
    return edge


@bp.before_request
def refuse_large_bodies() -> None:
    """413 before the body is read: at once from Content-Length, or as a chunked body passes the limit."""
    if request.content_length is not None:
        if request.content_length > MAX_BODY_BYTES:
            raise RequestEntityTooLarge()
        return
    # Chunked: read one byte past the limit at most (werkzeug would stop at the limit without a word,
    # and the form would be parsed cut short); what was read is kept for the form parser.
    request.max_content_length = MAX_BODY_BYTES + 1
    if len(request.get_data(cache=True)) > MAX_BODY_BYTES:
        raise RequestEntityTooLarge()


def signed_url(public_url: str) -> str:
    """The URL Twilio signed: the public base URL, not the one behind the proxy."""
    query = request.query_string.decode("latin-1")
    return public_url.rstrip("/") + request.path + (f"?{query}" if query else "")


def check_signature() -> dict[str, str]:
    """The form, once its X-Twilio-Signature is valid; 403 otherwise."""
    edge = _edge()
    form = request.form.to_dict()
    signature = request.headers.get("X-Twilio-Signature", "")
    if (
        not edge.enabled
        or not signature
        or not signed_by_twilio(edge.validator, signed_url(edge.public_url), form, signature)
    ):
        abort(403)
    return form


def signed_by_twilio(validator: RequestValidator, url: str, form: dict[str, str], signature: str) -> bool:
    """The SDK's check, with the URL as configured tried first.

    `RequestValidator.validate` signs the URL both with and without its port, on every request.
    Twilio signs the URL it was given, which is the configured one, so one HMAC usually settles it.
    Otherwise the SDK's own check decides, accepting the same signatures as before.
    """
    expected = validator.compute_signature(url, form).encode()
    if hmac.compare_digest(expected, signature.encode("utf-8", "replace")):  # bytes: any header compares
        return True
    return bool(validator.validate(url, form, signature))


def provider_id(form: dict[str, str]) -> str | None:
    """The MessageSid (None when absent); 400 for one no database column of ours could hold."""
    sid = form.get("MessageSid") or None
    if sid is not None and not _PROVIDER_ID.fullmatch(sid):
        abort(400)
    return sid


@bp.post("/sms/twilio")
def inbound() -> Response:
    form = check_signature()
    edge, sid, sender = _edge(), provider_id(form), form.get("From", "")
    if not sender.strip():
        abort(400)
    sms = InboundSms(phone=strip_controls(sender).strip(), body=strip_controls(form.get("Body", "")), provider_sid=sid)
    try:
        if not is_allowed_sender(sender, edge.short_codes, edge.region):
            edge.port.reject(sms, "sender")  # kept, marked rejected; no conversation starts
            abort(400)
        return twiml(edge.port.receive(sms).reply)
    except NotStored:
        return unavailable()


@bp.post("/sms/twilio/status")
def delivery_status() -> Response:
    """Twilio's delivery receipt: move the message's status forward, never backwards."""
    form = check_signature()
    sid, status = provider_id(form), form.get("MessageStatus", "").strip().lower()
    if not sid or not status:
        abort(400)
    try:
        _edge().port.record_receipt(sid, status, parse_error_code(form.get("ErrorCode")))
    except NotStored:
        return unavailable()
    return Response(status=204)
