"""`POST /ussd?token=...`: the USSD menu, Africa's Talking convention. A thin edge, no dialog here.

The gateway posts `sessionId`, `serviceCode`, `phoneNumber`, `networkCode` and `text` (the inputs
so far joined by `*`); the answer is `text/plain`, `CON <screen>` or `END <screen>`. A wrong or
missing token is 403 before anything is read or stored. The screens come from the pure menu
(`f0care.service.ussd`); a complete request goes to the one application service
(`Runtime.receive`) as an SMS on channel `ussd`, and its reply is the END screen.

A gateway, not a browser, posts here: the view is exempt from the web console's CSRF check
when Flask-WTF's CSRFProtect is installed (`exempt_from_csrf`).
"""

from __future__ import annotations

import hmac
import re

from flask import Blueprint, Flask, Response, abort, current_app, request

from dialogs.phones import normalize_phone
from dialogs.ussd_menu import Request, Screen, end_screen, ussd_texts
from f0care.runtime import Runtime
from f0care.service import ussd as menu
from sms_gateway.inbound_rules import strip_controls
from sms_gateway.wire import InboundSms, NotStored

bp = Blueprint("ussd", __name__)
EXTENSION = "f0care.ussd"
_SESSION_ID = re.compile(r"[\x21-\x7e]{1,100}", re.ASCII)  # visible ASCII; the provider id holds 128


def install(app: Flask, runtime: Runtime) -> None:
    """Serve the USSD menu in `app` (404 while `ussd.enabled` is false); `f0care.web` exempts it from CSRF."""
    app.extensions[EXTENSION] = runtime
    app.register_blueprint(bp)


def _plain(kind: str, screen: str) -> Response:
    return Response(f"{kind} {screen}", mimetype="text/plain")


@bp.post("/ussd")
def ussd() -> Response:
    runtime: Runtime = current_app.extensions[EXTENSION]
    settings = runtime.config.ussd
    if not settings.enabled:
        abort(404)
    token = request.args.get("token", "")
    if not hmac.compare_digest(token.encode(), settings.token.encode()):
        abort(403)
    session_id, text = request.form.get("sessionId", ""), request.form.get("text", "")
    phone = normalize_phone(request.form.get("phoneNumber", ""), runtime.program.country)
    if phone is None or not _SESSION_ID.fullmatch(session_id):
        abort(400)
    try:
        return _answer(runtime, session_id, phone, strip_controls(text))
    except NotStored:
        texts = ussd_texts(runtime.program.texts(runtime.program.default_language))
        return _plain("END", texts("ussd_unavailable"))


def _answer(runtime: Runtime, session_id: str, phone: str, text: str) -> Response:
    now = runtime.clock()
    step = menu.screen(runtime.db, runtime.program, phone, text, session_id, now)
    outcome = step.outcome
    if isinstance(outcome, Screen):
        return _plain("CON", outcome.text)
    if isinstance(outcome, Request):
        handled = runtime.receive(InboundSms(phone, outcome.body, step.provider_sid, channel=menu.CHANNEL), now)
        return _plain("END", end_screen(handled.reply, step.texts))
    return _plain("END", end_screen(outcome.reply, step.texts))
