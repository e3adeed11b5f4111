"""What the import says about a file or a row, in the page's language (Vietnamese with diacritics, or English)."""

from __future__ import annotations

from dialogs.bulk_register import Problem, Skipped

# {value}: what the row says; {detail}: the hint (suggested wards, the clinic, the earlier row, a limit).
TEXTS: dict[str, dict[str, str]] = {
    "empty": {"vi": "Tệp trống.", "en": "The file is empty."},
    "format": {
        "vi": "Không đọc được tệp: hãy lưu thành CSV (UTF-8) hoặc Excel .xlsx.",
        "en": "This is not a CSV or XLSX file: save it as CSV (UTF-8) or Excel .xlsx.",
    },
    "xls": {
        "vi": "Tệp Excel 97-2003 (.xls) hoặc có mật khẩu: hãy mở và lưu thành .xlsx (không mật khẩu) hoặc CSV.",
        "en": "An Excel 97-2003 (.xls) or password-protected file: save it as .xlsx (no password) or CSV.",
    },
    "xlsx_unreadable": {
        "vi": "Tệp .xlsx bị hỏng hoặc không phải bảng tính ({detail}): hãy lưu lại bằng Excel.",
        "en": "The .xlsx file is damaged or not a workbook ({detail}): save it again from Excel.",
    },
    "too_large": {
        "vi": "Tệp quá lớn (tối đa {detail}): hãy chia thành nhiều tệp.",
        "en": "The file is too large (at most {detail}): split it into several files.",
    },
    "too_many_rows": {
        "vi": "Quá nhiều dòng (tối đa {detail} bệnh nhân một tệp): hãy chia thành nhiều tệp.",
        "en": "Too many rows (at most {detail} patients a file): split it into several files.",
    },
    "no_header": {
        "vi": "Không thấy dòng tiêu đề trong 10 dòng đầu. Cần các cột: Số điện thoại, Họ tên, Năm sinh, Phường xã.",
        "en": "No header row in the first 10 rows. The columns needed: Phone, Full name, Year of birth, Ward.",
    },
    "missing_columns": {
        "vi": "Thiếu cột: {detail}. Cần các cột: Số điện thoại, Họ tên, Năm sinh, Phường xã.",
        "en": "Missing columns: {detail}. The columns needed: Phone, Full name, Year of birth, Ward.",
    },
    "no_rows": {"vi": "Tệp có tiêu đề nhưng không có bệnh nhân nào.", "en": "The file has a header but no patients."},
    "phone_missing": {"vi": "Thiếu số điện thoại.", "en": "The phone number is missing."},
    "phone_invalid": {
        "vi": "“{value}” không phải số di động hợp lệ.",
        "en": "“{value}” is not a valid mobile number.",
    },
    "phone_landline": {
        "vi": "“{value}” là số máy bàn, không nhận được SMS: cần số di động.",
        "en": "“{value}” is a landline and cannot get SMS: a mobile number is needed.",
    },
    "name_missing": {"vi": "Thiếu họ tên.", "en": "The full name is missing."},
    "name_invalid": {
        "vi": "“{value}” không phải họ tên (2-60 chữ cái, không có chữ số).",
        "en": "“{value}” is not a full name (2-60 letters, no digits).",
    },
    "name_contact": {
        "vi": "Họ tên không được chứa số điện thoại, e-mail hay đường link: “{value}”.",
        "en": "A name may not hold a phone number, e-mail or link: “{value}”.",
    },
    "birth_missing": {"vi": "Thiếu năm sinh.", "en": "The year of birth is missing."},
    "birth_invalid": {
        "vi": "“{value}”: hãy ghi năm sinh (1980) hoặc ngày sinh (15/03/1980), không ở tương lai, tối đa 120 tuổi.",
        "en": "“{value}”: write a year (1980) or a date of birth (15/03/1980), not in the future, at most 120 years.",
    },
    "ward_missing": {"vi": "Thiếu phường/xã.", "en": "The ward is missing."},
    "ward_unknown": {
        "vi": "Không có phường/xã “{value}”. Có phải: {detail}?",
        "en": "No ward “{value}”. Did you mean: {detail}?",
    },
    "ward_other_clinic": {
        "vi": "“{value}” thuộc {detail}: chỉ nhập bệnh nhân của trạm mình.",
        "en": "“{value}” is served by {detail}: import only your own station's patients.",
    },
    "test_date_invalid": {
        "vi": "“{value}”: ngày xét nghiệm ghi như 25/11/2026 hoặc 2026-11-25, không ở tương lai, trong 60 ngày qua.",
        "en": "“{value}”: write the test date as 25/11/2026 or 2026-11-25, not in the future, within 60 days.",
    },
    "risks_invalid": {
        "vi": "“{value}”: yếu tố nguy cơ là các số 1 bệnh mãn tính, 2 có thai, 3 chưa tiêm đủ (VD 13), hoặc K.",
        "en": "“{value}”: risk factors are the digits 1 chronic disease, 2 pregnant, 3 not fully vaccinated "
        "(e.g. 13), or K.",
    },
    "duplicate_in_file": {
        "vi": "{value} với số điện thoại này đã có ở dòng {detail}: xóa một dòng.",
        "en": "{value} with this phone is already on row {detail}: delete one of the rows.",
    },
    "registered_elsewhere": {
        "vi": "Bệnh nhân này (cùng số điện thoại và họ tên) đang được trạm khác theo dõi.",
        "en": "This patient (same phone and name) is followed by another station.",
    },
    "skipped_active": {
        "vi": "Đã đăng ký: mã {code}, bỏ qua.",
        "en": "Registered already: code {code}, skipped.",
    },
    "skipped_pending": {
        "vi": "Đã tự đăng ký, đang chờ duyệt: mã {code} (DUYET {code}), bỏ qua.",
        "en": "Registered by SMS, waiting for acceptance: code {code} (DUYET {code}), skipped.",
    },
    "unknown_clinic": {"vi": "Không có trạm “{detail}”.", "en": "No clinic “{detail}”."},
}
LANGUAGES = ("vi", "en")


def say(key: str, language: str, value: str = "", detail: str = "") -> str:
    """The text of a problem key in `language` (English when the language is unknown)."""
    texts = TEXTS[key]
    return texts.get(language, texts["en"]).format(value=value, detail=detail)


def problem_text(problem: Problem, language: str) -> str:
    return say(problem.key, language, problem.value, problem.detail)


def skipped_text(skipped: Skipped, language: str) -> str:
    key = "skipped_pending" if skipped.status == "pending" else "skipped_active"
    return TEXTS[key].get(language, TEXTS[key]["en"]).format(code=skipped.code)
