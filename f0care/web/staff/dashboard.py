"""`GET /staff/`: counts, then the line lists of the staff member's clinics; the page reloads every minute."""

from __future__ import annotations

from flask import render_template

from dialogs.render import local_now
from f0care.web.auth import current_staff, staff_required
from f0care.web.context import runtime
from f0care.web.i18n import add_strings
from f0care.web.staff import bp
from models.repositories.linelists import LIST_NAMES, RedRow, line_lists

ROWS_SHOWN = 50  # per list, the most urgent first; the count above each list says how many in all


def paged(row: RedRow) -> str:
    """Who was paged about an open alert: the clinic's staff, then the on-call list (ladder step 2+)."""
    rt = runtime()
    names = [s.name for s in rt.program.clinic(row.clinic_id).staff]
    if row.escalation_step >= 2:
        names += [person.name for person in rt.config.escalation.oncall]
    return ", ".join(names)


@bp.get("/")
@staff_required
def dashboard() -> str:
    staff = current_staff()
    rt = runtime()
    lists = line_lists(rt.db, staff.scope, rt.clock(), rt.program.timezone, ROWS_SHOWN)
    clinics = {c.id: c.name for c in rt.program.clinics if c.id in staff.scope}
    now_local = local_now(rt.clock(), rt.program.timezone).strftime("%H:%M")
    return render_template(
        "staff/dashboard.html", lists=lists, names=LIST_NAMES, clinics=clinics, paged=paged, now_local=now_local
    )


add_strings(
    {
        "dashboard": {"vi": "Bảng theo dõi", "en": "Dashboard"},
        "active_patients": {"vi": "Đang theo dõi", "en": "Monitored"},
        "list_red": {"vi": "Cảnh báo đỏ chưa xử lý", "en": "Open red alerts"},
        "list_yellow": {"vi": "Vàng hôm nay", "en": "Yellow today"},
        "list_silent": {"vi": "Chưa khai báo hôm nay", "en": "Not reported today"},
        "list_pending": {"vi": "Chờ duyệt", "en": "Waiting for acceptance"},
        "list_ending": {"vi": "Kết thúc theo dõi hôm nay", "en": "Monitoring ends today"},
        "list_stopped": {"vi": "Đã ngừng nhận tin", "en": "Opted out"},
        "list_undeliverable": {"vi": "Không nhận được SMS: cần gọi điện", "en": "SMS not delivered: call needed"},
        "col_code": {"vi": "Mã", "en": "Code"},
        "col_name": {"vi": "Họ tên", "en": "Name"},
        "col_phone": {"vi": "Điện thoại", "en": "Phone"},
        "col_reason": {"vi": "Lý do", "en": "Reason"},
        "col_open": {"vi": "Đã mở", "en": "Open for"},
        "col_paged": {"vi": "Đã báo cho", "en": "Paged"},
        "col_declared": {"vi": "Lúc khai", "en": "Declared at"},
        "col_last": {"vi": "Khai lần cuối", "en": "Last declared"},
        "col_days": {"vi": "Số ngày im lặng", "en": "Days silent"},
        "col_waiting": {"vi": "Đã chờ", "en": "Waiting"},
        "col_since": {"vi": "Từ", "en": "Since"},
        "col_clinic": {"vi": "Trạm", "en": "Clinic"},
        "never": {"vi": "chưa lần nào", "en": "never"},
        "minutes": {"vi": "{n} phút", "en": "{n} min"},
        "hours": {"vi": "{n} giờ", "en": "{n} h"},
        "empty_list": {"vi": "Không có ai.", "en": "Nobody."},
        "more_rows": {"vi": "… và {n} người khác", "en": "… and {n} more"},
        "two_days": {"vi": "≥ 2 ngày", "en": "2+ days"},
        "updated": {"vi": "Tự cập nhật mỗi phút. Lúc {time}.", "en": "Refreshes every minute. As of {time}."},
    }
)
