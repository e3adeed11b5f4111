"""`POST /sms/twilio`: Twilio's inbound-message webhook. Parse, check the signature, call the service."""

from __future__ import annotations

from xml.sax.saxutils import escape

from flask import Blueprint, Response, abort, current_app, request
from twilio.request_validator import RequestValidator

from f0care.inbound import InboundSms
from f0care.receipts import record_status
from f0care.runtime import Runtime

bp = Blueprint("twilio", __name__)
TWIML_EMPTY = '<?xml version="1.0" encoding="UTF-8"?><Response/>'


def twiml(text: str | None) -> Response:
    if not text:
        return Response(TWIML_EMPTY, mimetype="text/xml")
    body = f'<?xml version="1.0" encoding="UTF-8"?><Response><Message>{escape(text)}</Message></Response>'
    return Response(body, mimetype="text/xml")


def signed_url(public_url: str) -> str:
    """The URL Twilio signed: the public base URL, not the one behind the proxy."""
    query = request.query_string.decode("latin-1")
    return public_url.rstrip("/") + request.path + (f"?{query}" if query else "")


def check_signature() -> dict[str, str]:
    """The form, once its X-Twilio-Signature is valid; 403 otherwise."""
    validator: RequestValidator = current_app.extensions["f0care.validator"]
    runtime: Runtime = current_app.extensions["f0care"]
    form = request.form.to_dict()
    signature = request.headers.get("X-Twilio-Signature", "")
    if not signature or not validator.validate(signed_url(runtime.config.service.public_url), form, signature):
        abort(403)
    return form


@bp.post("/sms/twilio")
def inbound() -> Response:
    form = check_signature()
    if not form.get("From"):
        abort(400)
    runtime: Runtime = current_app.extensions["f0care"]
    sms = InboundSms(phone=form["From"], body=form.get("Body", ""), provider_sid=form.get("MessageSid"))
    return twiml(runtime.receive(sms).reply)


@bp.post("/sms/twilio/status")
def delivery_status() -> Response:
    """Twilio's delivery receipt: move the message's status forward, never backwards."""
    form = check_signature()
    runtime: Runtime = current_app.extensions["f0care"]
    sid, status = form.get("MessageSid", ""), form.get("MessageStatus", "")
    if not sid or not status:
        abort(400)
    error = form.get("ErrorCode")
    record_status(runtime.db, sid, status.lower(), int(error) if error and error.isdigit() else None)
    return Response(status=204)
