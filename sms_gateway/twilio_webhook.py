"""`POST /sms/twilio`: Twilio's inbound-message webhook. Parse, check the signature, call the service."""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape

from flask import Blueprint, Flask, Response, abort, current_app, request
from twilio.request_validator import RequestValidator

from sms_gateway.wire import InboundPort, InboundSms

bp = Blueprint("twilio", __name__)
TWIML_EMPTY = '<?xml version="1.0" encoding="UTF-8"?><Response/>'
EXTENSION = "sms_gateway.twilio"


@dataclass(frozen=True)
class TwilioEdge:
    """What the webhook needs: the application, and how to check Twilio's signature."""

    port: InboundPort
    validator: RequestValidator
    public_url: str  # the base URL Twilio calls (and signs), not the one behind the proxy


def install(app: Flask, port: InboundPort, auth_token: str, public_url: str) -> None:
    """Serve Twilio's webhooks in `app`, handing messages to `port`."""
    app.extensions[EXTENSION] = TwilioEdge(port, RequestValidator(auth_token), public_url)
    app.register_blueprint(bp)


def twiml(text: str | None) -> Response:
    if not text:
        return Response(TWIML_EMPTY, mimetype="text/xml")
    body = f'<?xml version="1.0" encoding="UTF-8"?><Response><Message>{escape(text)}</Message></Response>'
    return Response(body, mimetype="text/xml")


def _edge() -> TwilioEdge:
    edge: TwilioEdge = current_app.extensions[EXTENSION]
    return edge


def signed_url(public_url: str) -> str:
    """The URL Twilio signed: the public base URL, not the one behind the proxy."""
    query = request.query_string.decode("latin-1")
    return public_url.rstrip("/") + request.path + (f"?{query}" if query else "")


def check_signature() -> dict[str, str]:
    """The form, once its X-Twilio-Signature is valid; 403 otherwise."""
    edge = _edge()
    form = request.form.to_dict()
    signature = request.headers.get("X-Twilio-Signature", "")
    if not signature or not edge.validator.validate(signed_url(edge.public_url), form, signature):
        abort(403)
    return form


@bp.post("/sms/twilio")
def inbound() -> Response:
    form = check_signature()
    if not form.get("From"):
        abort(400)
    sms = InboundSms(phone=form["From"], body=form.get("Body", ""), provider_sid=form.get("MessageSid"))
    return twiml(_edge().port.receive(sms).reply)


@bp.post("/sms/twilio/status")
def delivery_status() -> Response:
    """Twilio's delivery receipt: move the message's status forward, never backwards."""
    form = check_signature()
    sid, status = form.get("MessageSid", ""), form.get("MessageStatus", "")
    if not sid or not status:
        abort(400)
    error = form.get("ErrorCode")
    _edge().port.record_receipt(sid, status.lower(), int(error) if error and error.isdigit() else None)
    return Response(status=204)
