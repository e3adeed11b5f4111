"""`GET /staff/export.csv` and `/staff/export.xlsx`: the line lists and the declarations of a date range, for
the logged-in staff member's scope (her clinic; a district officer's district). `GET /staff/export` is the form.

`from` and `to` (YYYY-MM-DD) choose the declarations' local days; by default the monitoring period up to
today. Headers follow the page language (`?lang=en`). Files are built by `f0care.exchange`.
"""

from __future__ import annotations

from flask import Response, render_template, request

from dialogs.render import local_today
from f0care.exchange.export import HEADERS, DateRange, RangeProblem, date_range, declarations_table
from f0care.exchange.lines import line_list_tables
from f0care.exchange.write import Table, to_csv, to_xlsx
from f0care.web.auth import current_staff, staff_required
from f0care.web.context import runtime
from f0care.web.i18n import add_strings, language
from f0care.web.staff import bp
from models.repositories.linelists import line_lists

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.get("/export")
@staff_required
def export_page() -> str:
    rt = runtime()
    days = date_range(None, None, local_today(rt.clock(), rt.program.timezone), rt.program.monitoring_days)
    return render_template("staff/export.html", days=days)


@bp.get("/export.csv")
@staff_required
def export_csv() -> Response:
    return _export("csv")


@bp.get("/export.xlsx")
@staff_required
def export_xlsx() -> Response:
    return _export("xlsx")


def _export(kind: str) -> Response:
    staff, rt = current_staff(), runtime()
    today = local_today(rt.clock(), rt.program.timezone)
    try:
        days = date_range(request.args.get("from"), request.args.get("to"), today, rt.program.monitoring_days)
    except RangeProblem as problem:
        return Response(f"{problem}\n", status=400, mimetype="text/plain")
    tables = _tables(staff.scope, days, language())
    if kind == "csv":
        body, mimetype = to_csv(tables, HEADERS[language()]["list"]), "text/csv; charset=utf-8"
    else:
        body, mimetype = to_xlsx(tables), XLSX
    name = f"f0-{staff.clinic_id}-{days.first:%Y%m%d}-{days.last:%Y%m%d}.{kind}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}
    return Response(body, mimetype=mimetype, headers=headers)


def _tables(scope: frozenset[str], days: DateRange, lang: str) -> list[Table]:
    rt = runtime()
    lists = line_lists(rt.db, scope, rt.clock(), rt.program.timezone, limit=None)
    return [*line_list_tables(lists, rt.program, lang), declarations_table(rt.db, rt.program, scope, days, lang)]


add_strings(
    {
        "export": {"vi": "Xuất dữ liệu", "en": "Export"},
        "export_intro": {
            "vi": (
                "Tệp gồm các danh sách theo dõi hôm nay của trạm và các khai báo trong khoảng ngày đã chọn (tối "
                "đa 31 ngày)."
            ),
            "en": (
                "The file holds the station's line lists of today and the declarations of the days chosen (31 at most)."
            ),
        },
        "export_from": {"vi": "Từ ngày", "en": "From"},
        "export_to": {"vi": "Đến ngày", "en": "To"},
        "export_csv": {"vi": "Tải CSV", "en": "Download CSV"},
        "export_xlsx": {"vi": "Tải Excel (.xlsx)", "en": "Download Excel (.xlsx)"},
    }
)
