"""`/staff/operator` (supervisors, district officers): the outbox of their clinics, retrying what failed,
opted-out numbers with an undo recorded with who did it, the last provider errors.

The writes are the CLI's (`models.operations`): `f0care outbox retry`, `f0care optout undo`.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from f0care.web.auth import current_staff, staff_required
from f0care.web.context import runtime
from f0care.web.i18n import add_strings, t
from f0care.web.staff import bp
from f0care.web.users import StaffUser
from models import operations
from models.repositories import operator_view
from models.repositories.operator_view import STATUSES


def _supervisor() -> StaffUser:
    staff = current_staff()
    if not staff.is_supervisor:
        abort(404)
    return staff


def _staff_phones(staff: StaffUser) -> set[str]:
    return {s.phone for c in runtime().program.clinics if c.id in staff.scope for s in c.staff}


def _by(staff: StaffUser) -> str:
    return f"{staff.name} ({staff.phone}) web"


@bp.get("/operator")
@staff_required
def operator() -> str:
    staff, db = _supervisor(), runtime().db
    status = request.args.get("status", "failed")
    status = status if status in STATUSES else "failed"
    phones = _staff_phones(staff)
    return render_template(
        "staff/operator.html",
        status=status,
        statuses=STATUSES,
        counts=operator_view.counts(db, staff.scope, phones),
        messages=operator_view.outbox(db, staff.scope, phones, status),
        errors=operator_view.provider_errors(db, staff.scope, phones),
        optouts=operator_view.opted_out_in(db, staff.scope),
        staff_list=[(c.name, s) for c in runtime().config.clinics if c.id in staff.scope for s in c.staff],
    )


@bp.post("/operator/retry")
@staff_required
def retry_failed() -> BaseResponse:
    """Queue again every failed message of the supervisor's clinics (one-time codes excepted)."""
    staff = _supervisor()
    rt = runtime()
    ids = [m.id for m in operator_view.outbox(rt.db, staff.scope, _staff_phones(staff), "failed", limit=1000)]
    queued = operations.retry_outbound(rt.db, ids, None, _by(staff), rt.clock()) if ids else []
    rt.outbox.notify([id_ for id_, _phone, _kind in queued])
    flash(t("retried", n=len(queued)), "reply")
    return redirect(url_for("staff.operator", status="failed"))


@bp.post("/operator/optout-undo")
@staff_required
def undo_optout() -> BaseResponse:
    """Scheduled messages to a number again, recorded with who did it and why."""
    staff = _supervisor()
    rt = runtime()
    phone = request.form.get("phone", "")
    if phone not in {row.phone for row in operator_view.opted_out_in(rt.db, staff.scope)}:
        abort(404)
    reason = " ".join(request.form.get("reason", "").split())[:200]
    done = operations.undo_optout(rt.db, phone, _by(staff), reason, rt.clock())
    flash(t("optout_undone") if done else t("optout_not_found"), "reply")
    return redirect(url_for("staff.operator"))


add_strings(
    {
        "operator": {"vi": "Vận hành", "en": "Operations"},
        "outbox": {"vi": "Hộp thư đi", "en": "Outbox"},
        "st_queued": {"vi": "Đang chờ gửi", "en": "Queued"},
        "st_sent": {"vi": "Đã gửi", "en": "Sent"},
        "st_failed": {"vi": "Gửi lỗi", "en": "Failed"},
        "retry_failed": {"vi": "Gửi lại các tin lỗi", "en": "Retry the failed messages"},
        "retried": {"vi": "Đã xếp lại {n} tin để gửi.", "en": "{n} message(s) queued again."},
        "optouts": {"vi": "Số đã ngừng nhận tin", "en": "Opted-out numbers"},
        "undo_optout": {"vi": "Cho nhận tin lại", "en": "Undo the opt-out"},
        "optout_undone": {"vi": "Số này sẽ nhận tin nhắc trở lại.", "en": "The number gets scheduled messages again."},
        "optout_not_found": {"vi": "Số này không còn ở trạng thái ngừng.", "en": "That number is no longer opted out."},
        "provider_errors": {"vi": "Lỗi gần đây của nhà mạng", "en": "Last provider errors"},
        "col_to": {"vi": "Đến", "en": "To"},
        "col_kind": {"vi": "Loại", "en": "Kind"},
        "col_text": {"vi": "Nội dung", "en": "Text"},
        "col_error": {"vi": "Lỗi", "en": "Error"},
        "col_attempts": {"vi": "Lần thử", "en": "Attempts"},
        "col_patients": {"vi": "Bệnh nhân", "en": "Patients"},
        "col_role": {"vi": "Vai trò", "en": "Role"},
        "staff_list": {"vi": "Nhân viên", "en": "Staff"},
    }
)
