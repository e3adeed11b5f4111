"""The portal's own page words, Vietnamese (with diacritics) and English side by side.

What the service answers (validation, advice) comes from the SMS texts (`dialogs/templates`);
these are only the page furniture: titles, labels, buttons.
"""

from __future__ import annotations

from collections.abc import Callable

from f0care.web import i18n

WORDS: dict[str, tuple[str, str]] = {
    "portal": ("Theo dõi F0 tại nhà", "F0 home care"),
    "home_lead": (
        "Người mắc COVID-19 (F0) điều trị tại nhà khai báo sức khỏe mỗi sáng trước {deadline}. "
        "Trạm y tế phường/xã xem khai báo và gọi ngay khi có dấu hiệu nguy hiểm.",
        "People with COVID-19 (F0) cared for at home report their health every morning before {deadline}. "
        "The commune health station reads every report and calls at once when there is a danger sign.",
    ),
    "emergency": ("Cấp cứu: gọi 115", "Emergency: call 115"),
    "stations": ("Trạm y tế", "Health stations"),
    "how_register": ("Cách đăng ký", "How to register"),
    "by_web": ("Trên trang này:", "On this site:"),
    "by_sms": ("Bằng tin nhắn: gửi DK{to}, rồi trả lời 7 câu hỏi.", "By SMS: send DK{to}, then answer 7 questions."),
    "sms_to": (" đến {number}", " to {number}"),
    "by_ussd": ("Bằng USSD: bấm {code} trên điện thoại.", "By USSD: dial {code} on any phone."),
    "register": ("Đăng ký", "Register"),
    "login": ("Đăng nhập", "Log in"),
    "logout": ("Đăng xuất", "Log out"),
    "today": ("Khai báo hôm nay", "Today's report"),
    "history": ("Lịch sử", "History"),
    "guidance": ("Hướng dẫn", "Guidance"),
    "home": ("Trang chủ", "Home"),
    "language_other": ("English", "Tiếng Việt"),
    "required": ("(bắt buộc)", "(required)"),
    "f_name": ("Họ tên người bệnh", "Patient's full name"),
    "f_dob": ("Ngày sinh hoặc năm sinh", "Date or year of birth"),
    "f_dob_hint": ("VD: 15/3/1980 hoặc 1980", "e.g. 15/3/1980 or 1980"),
    "f_area": ("Phường/xã nơi đang ở", "Ward or commune"),
    "f_area_hint": ("Gõ vài chữ để chọn trong danh sách", "Type a few letters to pick from the list"),
    "f_phone": ("Số di động nhận câu hỏi hằng ngày", "Mobile for the daily questions"),
    "f_phone_hint": (
        "Mã xác nhận sẽ gửi đến số này. Người nhà có thể đăng ký cho người bệnh.",
        "The confirmation code goes to this number. A relative may register the patient.",
    ),
    "f_test_date": ("Ngày có kết quả xét nghiệm dương tính", "Date of the positive test"),
    "f_test_date_hint": ("VD: 25/11/2026, 25/11 hoặc hôm nay", "e.g. 25/11/2026, 25/11 or today"),
    "f_symptoms": ("Hiện có triệu chứng (sốt, ho, đau họng, mệt...)?", "Symptoms now (fever, cough, sore throat...)?"),
    "f_risks": ("Yếu tố nguy cơ (chọn nếu có)", "Risk factors (tick any)"),
    "risk_chronic": (
        "Bệnh mãn tính (tiểu đường, tim, phổi, thận, gan, ung thư)",
        "Chronic disease (diabetes, heart, lung, kidney, liver, cancer)",
    ),
    "risk_pregnant": ("Đang có thai", "Pregnant"),
    "risk_unvaccinated": ("Chưa tiêm đủ vắc xin", "Not fully vaccinated"),
    "yes": ("Có", "Yes"),
    "no": ("Không", "No"),
    "send_code": ("Gửi mã xác nhận", "Send the code"),
    "f_code": ("Mã xác nhận 6 số", "6-digit code"),
    "code_sent": ("Mã 6 số đã được gửi bằng tin nhắn đến {phone}.", "A 6-digit code was sent by SMS to {phone}."),
    "confirm": ("Xác nhận", "Confirm"),
    "resend": ("Gửi lại mã", "Send a new code"),
    "registered": ("Đã đăng ký", "Registered"),
    "registered_wait": (
        "Trạm y tế sẽ kiểm tra đăng ký và nhắn tin khi chấp nhận. Từ đó, mỗi sáng hãy khai báo ở đây hoặc bằng SMS.",
        "The health station checks the registration and sends an SMS when it accepts it. "
        "From then on, report every morning here or by SMS.",
    ),
    "login_lead": (
        "Nhập số di động đã đăng ký. Một mã 6 số sẽ được gửi bằng tin nhắn.",
        "Enter the registered mobile number. A 6-digit code will be sent by SMS.",
    ),
    "f_login_phone": ("Số di động", "Mobile number"),
    "choose": ("Chọn người bệnh", "Choose the patient"),
    "no_patients": (
        "Số này chưa có người bệnh đang theo dõi.",
        "No patient is being monitored on this number.",
    ),
    "for_patient": ("Người bệnh: {name} (mã {code})", "Patient: {name} (code {code})"),
    "status_pending": ("chờ trạm y tế duyệt", "waiting for the station"),
    "status_active": ("đang theo dõi", "monitored"),
    "status_discharged": ("đã kết thúc theo dõi", "monitoring ended"),
    "f_none": ("Không có", "None"),
    "declare": ("Gửi khai báo", "Send the report"),
    "result": ("Kết quả khai báo", "Report result"),
    "red_title": ("Có dấu hiệu nguy hiểm", "Danger sign"),
    "red_alerted": ("Trạm y tế đã được báo và sẽ gọi ngay.", "The station has been alerted and will call at once."),
    "call_115": ("Gọi 115 ngay nếu khó thở hơn", "Call 115 now if breathing gets worse"),
    "yellow_title": ("Cần chú ý", "Needs attention"),
    "green_title": ("Bình thường", "Normal"),
    "not_recorded": ("Chưa ghi được khai báo.", "The report was not recorded."),
    "again": ("Khai báo lại", "Report again"),
    "date": ("Ngày", "Date"),
    "level": ("Kết quả", "Result"),
    "level_red": ("nguy hiểm", "danger"),
    "level_yellow": ("cần chú ý", "attention"),
    "level_green": ("bình thường", "normal"),
    "partial": ("chưa đủ", "partial"),
    "no_report": ("không khai báo", "no report"),
    "monitoring": ("Theo dõi từ {start} đến {end}", "Monitored from {start} to {end}"),
    "chart_title": ("SpO2 theo ngày (đường đỏ: ngưỡng nguy hiểm)", "SpO2 by day (red line: danger threshold)"),
    "form_errors": ("Vui lòng sửa các ô được đánh dấu.", "Please correct the marked fields."),
    "too_many": (
        "Quá nhiều yêu cầu từ số này. Vui lòng thử lại sau 10 phút. Cấp cứu: gọi 115.",
        "Too many requests for this number. Please try again in 10 minutes. Emergency: call 115.",
    ),
    "unavailable": (
        "Hệ thống tạm thời gián đoạn. Vui lòng thử lại sau. Cấp cứu: gọi 115.",
        "The service is briefly unavailable. Please try again later. Emergency: call 115.",
    ),
    "sign_1": ("Lú lẫn, li bì, co giật", "Confusion, drowsiness or fits"),
    "sign_2": ("Môi hoặc đầu ngón tím", "Blue lips or fingertips"),
    "sign_3": ("Không ăn uống được, nôn", "Cannot eat or drink, vomiting"),
    "sign_4": ("Ho, mệt, tiêu chảy, mất vị giác/khứu giác", "Cough, tiredness, diarrhoea, loss of taste or smell"),
    "reg_cancelled": (
        "Sai mã quá nhiều lần, đăng ký đã hủy. Hãy đăng ký lại.",
        "Too many wrong codes: the registration is cancelled. Please register again.",
    ),
    "code_format": ("Hãy nhập mã 6 số đã nhận qua SMS.", "Enter the 6-digit code you received by SMS."),
    "skip": ("Bỏ qua đến nội dung", "Skip to content"),
}
LANGUAGES = ("vi", "en")


def words(language: str) -> Callable[..., str]:
    """`t("key", **values)`: the portal's word in `language`, else the shared web pages' (`f0care.web.i18n`)."""
    index = 1 if language == "en" else 0

    def t(key: str, **values: object) -> str:
        if key not in WORDS:
            return i18n.t(key, **values)
        text = WORDS[key][index]
        return text.format(**values) if values else text

    return t
