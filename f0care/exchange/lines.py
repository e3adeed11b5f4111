"""The dashboard's line lists as export tables: one per list, every patient of it (not the page's first 100)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from dialogs.program import Program
from dialogs.render import national
from f0care.exchange.write import Cell, Table
from models.repositories.linelists import LIST_NAMES, LineLists

TITLES = {
    "vi": {
        "red": "Đỏ chưa xử lý", "yellow": "Vàng hôm nay", "silent": "Chưa khai báo", "pending": "Chờ duyệt",
        "ending": "Kết thúc hôm nay", "stopped": "Ngừng nhận tin", "undeliverable": "Cần gọi điện",
    },
    "en": {
        "red": "Open red alerts", "yellow": "Yellow today", "silent": "Not reported today",
        "pending": "Waiting for acceptance", "ending": "Monitoring ends today", "stopped": "Opted out",
        "undeliverable": "Call needed",
    },
}  # fmt: skip
WORDS = {
    "vi": {
        "code": "Mã BN", "name": "Họ tên", "phone": "Số điện thoại", "clinic": "Trạm", "status": "Trạng thái",
        "reason": "Lý do", "kind": "Loại", "raised_at": "Lúc báo", "open_minutes": "Đã mở (phút)",
        "escalation_step": "Bậc báo động", "paged_at": "Báo lần cuối", "declared_at": "Lúc khai",
        "last_declared": "Khai lần cuối", "days_silent": "Số ngày im lặng", "flagged": "≥ 2 ngày",
        "registered_at": "Lúc đăng ký", "age_hours": "Đã chờ (giờ)", "monitor_until": "Theo dõi đến",
        "opted_out_at": "Ngừng từ",
    },
    "en": {
        "code": "Patient code", "name": "Full name", "phone": "Phone", "clinic": "Clinic", "status": "Status",
        "reason": "Reason", "kind": "Kind", "raised_at": "Raised at", "open_minutes": "Open (minutes)",
        "escalation_step": "Escalation step", "paged_at": "Last paged", "declared_at": "Declared at",
        "last_declared": "Last declared", "days_silent": "Days silent", "flagged": "2+ days",
        "registered_at": "Registered at", "age_hours": "Waiting (hours)", "monitor_until": "Monitored until",
        "opted_out_at": "Opted out at",
    },
}  # fmt: skip
# What each list shows besides the patient: the row attribute, in order.
EXTRA: Mapping[str, tuple[str, ...]] = {
    "red": ("reason", "kind", "raised_at", "open_minutes", "escalation_step", "paged_at"),
    "yellow": ("declared_at",),
    "silent": ("last_declared", "days_silent", "flagged"),
    "pending": ("registered_at", "age_hours"),
    "ending": ("monitor_until",),
    "stopped": ("opted_out_at",),
    "undeliverable": (),
}


def line_list_tables(lists: LineLists, program: Program, language: str) -> list[Table]:
    """Every list of `lists` (read with no row limit), in the dashboard's order."""
    words = WORDS.get(language, WORDS["en"])
    titles = TITLES.get(language, TITLES["en"])
    clinics = {clinic.id: clinic.name for clinic in program.clinics}
    local = _local(program.timezone)
    tables = []
    for name in LIST_NAMES:
        extra = EXTRA[name]
        columns = tuple(words[key] for key in ("code", "name", "phone", "clinic", "status", *extra))
        rows = [
            [row.code, row.full_name, national(row.phone), clinics.get(row.clinic_id, row.clinic_id), row.status]
            + [local(getattr(row, key)) for key in extra]
            for row in lists.by_name(name).rows
        ]
        tables.append(Table(name, titles[name], columns, rows))
    return tables


def _local(timezone: str) -> Callable[[Any], Cell]:
    zone = ZoneInfo(timezone)

    def cell(value: Any) -> Cell:
        """Times in the service's timezone (a spreadsheet has none); flags as 1/0."""
        if isinstance(value, datetime):
            return value.astimezone(zone).replace(tzinfo=None)
        if isinstance(value, bool):
            return 1 if value else 0
        return value  # type: ignore[no-any-return]

    return cell
