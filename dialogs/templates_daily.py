"""Texts of the daily declaration, alerts to the patient, and the other patient keywords."""

from __future__ import annotations

DAILY: dict[str, dict[str, str]] = {
    "daily_prompt": {
        "vi": "{code}Hôm nay {date}: gửi SpO2 nhịp thở mạch nhiệt độ khó thở(0/1) dấu hiệu(0-4). "
        "VD: 98 18 86 37.5 0 0. CUU: cấp cứu",
        "en": "{code}Today {date}: send SpO2 breaths pulse temperature breathless(0/1) signs(0-4). "
        "E.g. 98 18 86 37.5 0 0. SOS: emergency",
    },
    "ask_question": {
        "vi": "{code}Câu {index}/{total}: {label}? {hint}",
        "en": "{code}Question {index}/{total}: {label}? {hint}",
    },
    "answer_invalid": {
        "vi": '"{text}" chưa đúng. ',
        "en": '"{text}" is not valid. ',
    },
    "hint_range": {"vi": "({low}-{high})", "en": "({low}-{high})"},
    "hint_range_none": {
        "vi": "({low}-{high}, K nếu không có máy đo)",
        "en": "({low}-{high}, K if you have no meter)",
    },
    "hint_yesno": {"vi": "(0 không, 1 có)", "en": "(0 no, 1 yes)"},
    "hint_signs": {
        "vi": "(0 không; 1 lú lẫn/li bì/co giật; 2 môi, đầu ngón tím; 3 không ăn uống được/nôn; "
        "4 ho, mệt, tiêu chảy, mất vị giác. VD 13)",
        "en": "(0 none; 1 confusion/drowsy/fits; 2 blue lips or fingers; 3 cannot eat or drink/"
        "vomiting; 4 cough, tired, diarrhoea, lost taste. E.g. 13)",
    },
    "hint_digits": {"vi": "(các số {digits})", "en": "(digits {digits})"},
    "too_many_answers": {
        "vi": "Gửi đúng {total} số theo thứ tự: SpO2 nhịp thở mạch nhiệt độ khó thở(0/1) "
        "dấu hiệu(0-4). VD: 98 18 86 37.5 0 0",
        "en": "Send exactly {total} numbers in order: SpO2 breaths pulse temperature "
        "breathless(0/1) signs(0-4). E.g. 98 18 86 37.5 0 0",
    },
    "choose_patient": {
        "vi": "Cho ai? {options}. Trả lời số hoặc mã",
        "en": "For whom? {options}. Reply with the number or the code",
    },
    "done_green": {
        "vi": "Đã ghi {date} {code}: {values}. Kết quả: bình thường. Gửi CUU nếu khó thở",
        "en": "Saved {date} {code}: {values}. Result: normal. Send SOS if breathing gets hard",
    },
    "done_yellow": {
        "vi": "Đã ghi {date} {code}: {values}. Cần chú ý: {reasons}. {advice}Trạm y tế sẽ gọi "
        "trong ngày. ĐT {clinic_phone}",
        "en": "Saved {date} {code}: {values}. Watch: {reasons}. {advice}The health station will "
        "call today. Tel {clinic_phone}",
    },
    "advice_fever": {
        "vi": "Sốt: uống paracetamol, nhiều nước, oresol. ",
        "en": "Fever: paracetamol, plenty of fluids, ORS. ",
    },
    "red_patient": {
        "vi": "{code}: dấu hiệu nguy hiểm ({reasons}). Trạm y tế sẽ gọi ngay. Nghỉ 1 phút rồi đo "
        "lại SpO2. Nếu rất khó thở gọi 115. ĐT trạm {clinic_phone}",
        "en": "{code}: danger signs ({reasons}). The health station will call you now. Rest 1 "
        "minute and measure SpO2 again. If breathing is very hard call 115. Tel {clinic_phone}",
    },
    "continue_question": {"vi": " Tiếp: ", "en": " Next: "},
    "sos_patient": {
        "vi": "Đã báo trạm y tế, sẽ gọi ngay. Nếu rất khó thở, tím tái, ngất: gọi ngay 115. ĐT trạm {clinic_phone}",
        "en": "The health station has been alerted and will call you now. If breathing is very "
        "hard, lips blue or fainting: call 115. Tel {clinic_phone}",
    },
    "sos_unregistered": {
        "vi": "Nếu rất khó thở, tím tái, ngất: gọi ngay 115. Số này chưa đăng ký theo dõi F0: gửi DK",
        "en": "If breathing is very hard, lips blue or fainting: call 115 now. To register for F0 home care send DK",
    },
    "ack_patient": {
        "vi": "{staff} ({clinic}) đã nhận cảnh báo của {code} và sẽ liên hệ ngay. Nếu rất khó thở gọi 115",
        "en": "{staff} ({clinic}) has your alert for {code} and will contact you now. If "
        "breathing is very hard call 115",
    },
    "history": {"vi": "LS {code}: {lines}", "en": "History {code}: {lines}"},
    "history_empty": {
        "vi": "{code}: chưa có khai báo trong 7 ngày qua",
        "en": "{code}: no declaration in the last 7 days",
    },
    "guidance_menu": {
        "vi": "Hướng dẫn: {topics}. Gửi HD và số, VD HD 1",
        "en": "Guidance: {topics}. Send HD and a number, e.g. HD 1",
    },
    "guidance_unknown": {"vi": "Không có mục {n}. ", "en": "No topic {n}. "},
    "guidance_topic": {"vi": "{title}: {text}", "en": "{title}: {text}"},
    "help": {
        "vi": "Hằng ngày gửi 6 số (VD 98 18 86 37.5 0 0) hoặc KB. LS: lịch sử. HD: hướng dẫn. "
        "CUU: cấp cứu. DK: đăng ký thêm. STOP: dừng tin. EN: English. ĐT trạm {clinic_phone}",
        "en": "Every day send 6 numbers (e.g. 98 18 86 37.5 0 0) or KB. LS: history. HD: "
        "guidance. SOS: emergency. DK: register another. STOP: no messages. VI: Tieng Viet. "
        "Tel {clinic_phone}",
    },
    "help_unregistered": {
        "vi": "Chào bạn! Gửi DK để đăng ký theo dõi F0 tại nhà. Cấp cứu: gọi 115",
        "en": "Hello! Send DK to register for F0 home care. Emergency: call 115",
    },
    "pending": {
        "vi": "Đăng ký của {name} ({code}) đang chờ {clinic} duyệt. ĐT trạm {clinic_phone}",
        "en": "The registration of {name} ({code}) is waiting for {clinic}. Tel {clinic_phone}",
    },
    "not_understood": {"vi": "Chưa hiểu tin nhắn. ", "en": "Message not understood. "},
    "opted_out": {
        "vi": "Đã dừng tin nhắn hằng ngày đến số này. Gửi START để nhận lại. Cấp cứu: CUU hoặc 115",
        "en": "Daily messages to this number are stopped. Send START to resume. Emergency: SOS or 115",
    },
    "opted_in": {
        "vi": "Đã bật lại tin nhắn hằng ngày. TRO GIUP: cách dùng",
        "en": "Daily messages are back on. HELP: the keywords",
    },
    "sos_reason": {"vi": "bệnh nhân báo cấp cứu", "en": "patient reports an emergency"},
    "message_reason": {"vi": 'tin nhắn "{text}"', "en": 'message "{text}"'},
    "level_green": {"vi": "xanh", "en": "green"},
    "level_yellow": {"vi": "vàng", "en": "yellow"},
    "level_red": {"vi": "đỏ", "en": "red"},
    "no_patient_code": {
        "vi": "Số này không có bệnh nhân mã {code}. ",
        "en": "No patient with code {code} on this phone. ",
    },
    "service_error": {
        "vi": "Xin lỗi, hệ thống đang lỗi. Vui lòng gửi lại sau ít phút. Cấp cứu: gọi 115",
        "en": "Sorry, the service has a problem. Please send again in a few minutes. Emergency: call 115",
    },
    "language_set": {
        "vi": "Đã chuyển sang tiếng Việt. TRO GIUP: cách dùng",
        "en": "Language set to English. HELP: the keywords",
    },
}
