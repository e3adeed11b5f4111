"""`/staff/patients/<CODE>`: identity, household, status, charts, the action forms and the whole timeline.

Outside the staff member's clinics the page answers 404, as for a code that does not exist.
"""

from __future__ import annotations

from flask import abort, render_template

from dialogs.render import local_now, local_today, risks, whole_age
from f0care.web.auth import current_staff, staff_required
from f0care.web.charts import charts
from f0care.web.context import runtime
from f0care.web.i18n import add_strings, language
from f0care.web.staff import bp
from models.records import patient_view
from models.repositories.patient_record import PatientRecord, patient_record


def actions(record: PatientRecord, can_act: bool) -> list[str]:
    """The buttons the patient's status allows (the service still checks each, as for the SMS command)."""
    if not can_act:
        return []
    patient = record.patient
    shown = []
    if patient.status == "pending":
        shown += ["accept", "reject"]
    if record.open_alerts:
        shown.append("ack")
    if patient.status == "active":
        shown += ["discharge", "extend"]
    if patient.call_needed:
        shown.append("call-done")
    return shown


@bp.get("/patients/<code>")
@staff_required
def patient(code: str) -> str:
    staff, rt = current_staff(), runtime()
    record = patient_record(rt.db, code.upper()[:8], staff.scope)
    if record is None:
        abort(404)  # unknown, or another clinic's: the same answer
    zone = rt.program.timezone
    today = local_today(rt.clock(), zone)
    view = patient_view(record.patient)
    first = record.patient.positive_test_date
    last = max(today, record.patient.monitor_until or today)
    readings = [(local_now(d.at, zone), d.answers) for d in record.declarations]
    drawn = charts(rt.program.questions, readings, first, last, view.age(today), language())
    return render_template(
        "staff/patient.html",
        record=record,
        p=record.patient,
        age=whole_age(view, today),
        risks=risks(view, today, language()),
        clinic=rt.program.clinic(record.patient.clinic_id).name,
        charts=drawn,
        actions=actions(record, staff.can_act),
    )


add_strings(
    {
        "patient": {"vi": "Bệnh nhân", "en": "Patient"},
        "age": {"vi": "Tuổi", "en": "Age"},
        "born": {"vi": "Năm sinh", "en": "Born"},
        "area": {"vi": "Địa bàn", "en": "Area"},
        "test_date": {"vi": "Ngày xét nghiệm dương tính", "en": "Positive test"},
        "risk_factors": {"vi": "Yếu tố nguy cơ", "en": "Risk factors"},
        "household": {"vi": "Cùng số điện thoại", "en": "Household (same phone)"},
        "status": {"vi": "Trạng thái", "en": "Status"},
        "monitor_until": {"vi": "Theo dõi đến", "en": "Monitored until"},
        "registered_by": {"vi": "Người đăng ký", "en": "Registered by"},
        "opted_out": {"vi": "Đã nhắn HUY: không nhận tin nhắc", "en": "Opted out of reminders"},
        "call_needed": {"vi": "SMS không tới được: cần gọi điện", "en": "SMS not delivered: call needed"},
        "status_pending": {"vi": "Chờ duyệt", "en": "Waiting for acceptance"},
        "status_active": {"vi": "Đang theo dõi", "en": "Monitored"},
        "status_rejected": {"vi": "Từ chối", "en": "Rejected"},
        "status_discharged": {"vi": "Kết thúc theo dõi", "en": "Discharged"},
        "charts": {"vi": "Chỉ số theo ngày", "en": "Measurements"},
        "no_readings": {"vi": "Chưa có số đo.", "en": "No readings yet."},
        "red_line": {"vi": "ngưỡng đỏ", "en": "red threshold"},
        "actions": {"vi": "Thao tác", "en": "Actions"},
        "action_accept": {"vi": "Duyệt", "en": "Accept"},
        "action_reject": {"vi": "Từ chối", "en": "Reject"},
        "action_ack": {"vi": "Đã nhận cảnh báo", "en": "Acknowledge alert"},
        "action_discharge": {"vi": "Kết thúc theo dõi", "en": "Discharge"},
        "action_extend": {"vi": "Gia hạn theo dõi", "en": "Extend monitoring"},
        "action_call-done": {"vi": "Đã gọi điện", "en": "Phoned the patient"},
        "reason": {"vi": "Lý do", "en": "Reason"},
        "days": {"vi": "Số ngày", "en": "Days"},
        "read_only": {"vi": "Chỉ xem: thao tác do trạm thực hiện.", "en": "Read only: the station acts."},
        "timeline": {"vi": "Nhật ký", "en": "Timeline"},
        "ev_in": {"vi": "Tin đến", "en": "SMS in"},
        "ev_out": {"vi": "Tin đi", "en": "SMS out"},
        "ev_declaration": {"vi": "Khai báo", "en": "Declaration"},
        "ev_alert": {"vi": "Cảnh báo", "en": "Alert"},
        "ev_ack": {"vi": "Đã nhận cảnh báo", "en": "Acknowledged"},
        "ev_action": {"vi": "Thao tác của nhân viên", "en": "Staff action"},
        "db_down": {
            "vi": "Cơ sở dữ liệu đang gián đoạn: chưa làm gì. Thử lại sau một phút.",
            "en": "The database is unavailable: nothing was done. Try again in a minute.",
        },
    }
)
