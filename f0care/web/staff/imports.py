"""`/staff/import`: upload a CSV or XLSX of patients registered by the station, see every row's problems
(a dry run), then confirm: all rows registered or none, each as the staff member's own `DK` would.

The confirm form carries the checked file back (base64): nothing is kept on the server between the two
steps, and the file is checked again when confirmed. The work is `f0care.service.patient_import`'s, the
same as `f0care import FILE --clinic ID`; the staff member imports into her own clinic only.
"""

from __future__ import annotations

import base64
import binascii

from flask import abort, render_template, request
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from dialogs.bulk_register import Plan
from f0care.exchange import read
from f0care.exchange.columns import in_file_order
from f0care.exchange.messages import problem_text, say, skipped_text
from f0care.exchange.read import MAX_BYTES, FileProblem, PatientFile, read_patient_file
from f0care.service.patient_import import Imported, ImportFailed, Registrar, import_patients, preview
from f0care.web.auth import current_staff, staff_required
from f0care.web.context import runtime
from f0care.web.i18n import add_strings, language, t
from f0care.web.staff import bp
from f0care.web.users import StaffUser

FORM_BYTES = MAX_BYTES * 2 + 64 * 1024  # the file, or its base64 on confirm, and the other fields


def _room_for_a_file() -> tuple[str, int] | None:
    """The upload's limits (the app's are the webhooks' 64 KiB), set before anything reads the form."""
    if request.endpoint != "staff.import_file":
        return None
    if (request.content_length or 0) > FORM_BYTES:
        if not (current_user.is_authenticated and current_user.is_staff):
            abort(413)
        problem = read.too_large()
        return _page(current_staff(), error=say(problem.key, language(), detail=problem.detail)), 413
    request.max_content_length = FORM_BYTES
    request.max_form_memory_size = FORM_BYTES  # the confirm form carries the file as a field
    return None


# First of the app's hooks: the CSRF check reads the form, with the limits in force when it does.
bp.record_once(lambda state: state.app.before_request_funcs.setdefault(None, []).insert(0, _room_for_a_file))


@bp.get("/import")
@staff_required
def import_page() -> str:
    return render_template("staff/import.html", clinic=_clinic_name(current_staff()))


@bp.post("/import")
@staff_required
def import_file() -> tuple[str, int]:
    staff = current_staff()
    if not staff.can_act:
        abort(403)  # district officers read; the station registers
    if request.form.get("clinic", staff.clinic_id) != staff.clinic_id:
        abort(404)  # never into another clinic, and never a hint that it exists
    data, name = _upload()
    if data is None:
        return _page(staff, error=t("import_no_file")), 400
    try:
        patients = read_patient_file(data)
    except FileProblem as problem:
        return _page(staff, error=say(problem.key, language(), detail=problem.detail), filename=name), 400
    if request.form.get("confirm") != "1":
        rt = runtime()
        plan = preview(rt.unit_of_work, rt.program, patients.rows, staff.clinic_id, rt.clock())
        return _page(staff, patients=patients, plan=plan, content=data, filename=name), 200
    return _import(staff, patients, data, name)


def _import(staff: StaffUser, patients: PatientFile, data: bytes, name: str) -> tuple[str, int]:
    rt = runtime()
    by = Registrar(staff.name, staff.phone, channel="web", source=name)
    try:
        done = import_patients(rt.unit_of_work, rt.program, patients.rows, staff.clinic_id, by, rt.clock())
    except (SQLAlchemyError, ImportFailed):
        return _page(staff, error=t("import_database"), patients=patients, content=data, filename=name), 503
    if done.done:
        rt.outbox.notify(done.queued)
    return _page(staff, patients=patients, plan=done.plan, content=data, filename=name, done=done), 200


def _upload() -> tuple[bytes | None, str]:
    """The file uploaded (the first step), or the one the confirm form carries back."""
    upload = request.files.get("file")
    if upload is not None and upload.filename:
        return upload.read(MAX_BYTES + 1), upload.filename[-120:]
    carried = request.form.get("content", "")
    if not carried:
        return None, ""
    try:
        return base64.b64decode(carried, validate=True), request.form.get("filename", "")[-120:]
    except (binascii.Error, ValueError):
        abort(400)


def _clinic_name(staff: StaffUser) -> str:
    return runtime().program.clinic(staff.clinic_id).name


def _page(
    staff: StaffUser,
    *,
    error: str = "",
    patients: PatientFile | None = None,
    plan: Plan | None = None,
    content: bytes = b"",
    filename: str = "",
    done: Imported | None = None,
) -> str:
    lang = language()
    names = patients.header.names if patients else {}
    problems = [
        (p.row, names.get(p.column, p.column.value) if p.column else "", problem_text(p, lang))
        for p in (in_file_order(plan.problems, patients.header) if plan and patients else ())
    ]
    skipped = [(s.row, s.code, s.full_name, skipped_text(s, lang)) for s in (plan.skipped if plan else ())]
    return render_template(
        "staff/import.html",
        clinic=_clinic_name(staff),
        error=error,
        plan=plan,
        problems=problems,
        skipped=skipped,
        content=base64.b64encode(content).decode("ascii") if content else "",
        filename=filename,
        done=done,
        bad_rows=len({row for row, _, _ in problems}),
    )


add_strings(
    {
        "import": {"vi": "Nhập danh sách", "en": "Import"},
        "import_intro": {
            "vi": (
                "Tải lên tệp CSV hoặc Excel (.xlsx) các bệnh nhân trạm {clinic} đã đăng ký. Cần các cột: Số điện "
                "thoại, Họ tên, Năm sinh, Phường/Xã; có thể thêm Ngày xét nghiệm và Yếu tố nguy cơ. Mỗi bệnh nhân "
                "được theo dõi ngay và nhận tin nhắn chào mừng, như lệnh DK."
            ),
            "en": (
                "Upload a CSV or Excel (.xlsx) file of the patients {clinic} registered. Columns needed: Phone, "
                "Full name, Year of birth, Ward; optionally Test date and Risk factors. Each patient is monitored "
                "at once and gets the welcome SMS, as with DK."
            ),
        },
        "import_file": {"vi": "Tệp danh sách", "en": "Patient file"},
        "import_check": {"vi": "Kiểm tra (chưa nhập)", "en": "Check (nothing imported)"},
        "import_confirm": {"vi": "Nhập {n} bệnh nhân", "en": "Import {n} patients"},
        "import_no_file": {"vi": "Hãy chọn một tệp.", "en": "Choose a file."},
        "import_database": {
            "vi": "Cơ sở dữ liệu không ghi được: chưa nhập ai. Hãy thử lại.",
            "en": "The database could not be written: nobody was imported. Try again.",
        },
        "import_problems": {
            "vi": "{bad} dòng có lỗi trong {rows} dòng: chưa nhập ai. Hãy sửa tệp rồi tải lên lại.",
            "en": "{bad} of {rows} rows have problems: nobody was imported. Correct the file and upload it again.",
        },
        "import_ready": {
            "vi": "{rows} dòng: {ready} bệnh nhân sẽ được đăng ký, {skipped} đã có (bỏ qua). Chưa nhập ai.",
            "en": (
                "{rows} rows: {ready} patients will be registered, {skipped} registered already (skipped). "
                "Nothing imported yet."
            ),
        },
        "import_done": {
            "vi": "Đã đăng ký {n} bệnh nhân; tin nhắn chào mừng đang được gửi.",
            "en": "{n} patients registered; their welcome SMS are on their way.",
        },
        "col_row": {"vi": "Dòng", "en": "Row"},
        "col_column": {"vi": "Cột", "en": "Column"},
        "col_problem": {"vi": "Lỗi", "en": "Problem"},
        "col_ward": {"vi": "Phường/xã", "en": "Ward"},
        "col_born": {"vi": "Năm sinh", "en": "Born"},
        "col_test": {"vi": "Ngày XN", "en": "Tested"},
    }
)
