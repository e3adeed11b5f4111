"""`POST /staff/patients/<CODE>/action`: the buttons of the patient page, each the SMS command it stands for.

The command goes through the one application service (`Runtime.receive`) from the staff member's
phone on channel "web": the same checks, refusals, records, audit and SMS to the patient as the
SMS command; the answer she would have got by SMS is shown on the page instead.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from flask import abort, flash, redirect, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from f0care.web.auth import current_staff, staff_required
from f0care.web.context import runtime
from f0care.web.i18n import t
from f0care.web.staff import bp
from models.repositories.patient_record import in_scope
from sms_gateway.wire import InboundSms, NotStored

MAX_REASON = 300


def _days(form: Mapping[str, str]) -> str:
    days = form.get("days", "").strip()
    return days if days.isdigit() else ""


# data-action -> the SMS command it sends, from the form's fields.
COMMANDS: Mapping[str, Callable[[str, Mapping[str, str]], str]] = {
    "accept": lambda code, form: f"DUYET {code}",
    "reject": lambda code, form: f"TUCHOI {code} {' '.join(form.get('reason', '').split())[:MAX_REASON]}".strip(),
    "ack": lambda code, form: f"OK {code}",
    "discharge": lambda code, form: f"XONG {code}",
    "extend": lambda code, form: f"TIEP {code} {_days(form)}".strip(),
    "call-done": lambda code, form: f"DAGOI {code}",
}


def command_for(action: str, code: str, form: Mapping[str, str]) -> str | None:
    """The SMS command a console button sends, or None for an unknown action."""
    make = COMMANDS.get(action)
    return make(code, form) if make else None


@bp.post("/patients/<code>/action")
@staff_required
def act(code: str) -> BaseResponse:
    staff, rt = current_staff(), runtime()
    code = code.upper()[:8]
    if not in_scope(rt.db, code, staff.scope):
        abort(404)
    if not staff.can_act:
        abort(403)  # district officers read; the station acts
    body = command_for(request.form.get("action", ""), code, request.form)
    if body is None:
        abort(400)
    try:
        handled = rt.receive(InboundSms(staff.phone, body, None, channel="web"))
    except NotStored:
        flash(t("db_down"), "error")
        return redirect(url_for("staff.patient", code=code))
    flash(handled.reply or "", "reply")
    return redirect(url_for("staff.patient", code=code))
