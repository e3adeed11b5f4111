"""Texts to and from health-station staff."""

from __future__ import annotations

STAFF: dict[str, dict[str, str]] = {
    "yes": {"vi": "có", "en": "yes"},
    "no": {"vi": "không", "en": "no"},
    "staff_new_registration": {
        "vi": "ĐK mới {code}: {name}, {age} tuổi, {area}, ĐT {phone}. Nguy cơ: {risks}. Triệu "
        "chứng: {symptoms}. Trả lời DUYET {code} hoặc TUCHOI {code} <lý do>",
        "en": "New registration {code}: {name}, {age} y, {area}, tel {phone}. Risks: {risks}. "
        "Symptoms: {symptoms}. Reply DUYET {code} or TUCHOI {code} <reason>",
    },
    "welcome": {
        "vi": "{name}: {clinic} đã tiếp nhận theo dõi tại nhà. Mã BN: {code}. Mỗi ngày trước "
        "{deadline} gửi 6 số: SpO2 nhịp thở mạch nhiệt độ khó thở(0/1) dấu hiệu(0-4), VD: "
        "98 18 86 37.5 0 0. KB: hỏi từng câu. CUU: cấp cứu",
        "en": "{name}: {clinic} now follows you at home. Patient code: {code}. Every day before "
        "{deadline} send 6 numbers: SpO2 breaths pulse temp breathless(0/1) signs(0-4), e.g. "
        "98 18 86 37.5 0 0. KB: step by step. SOS",
    },
    "staff_accepted": {
        "vi": "Đã duyệt {code} {name}. Đã gửi tin chào mừng đến {phone}",
        "en": "Accepted {code} {name}. Welcome sent to {phone}",
    },
    "staff_already_done": {
        "vi": "{code} {name} đã được {by} xử lý ({status}) lúc {when}",
        "en": "{code} {name} was already handled by {by} ({status}) at {when}",
    },
    "staff_not_active": {
        "vi": "{code} {name} không đang được theo dõi (trạng thái: {status})",
        "en": "{code} {name} is not being monitored (status: {status})",
    },
    "staff_not_pending": {
        "vi": "{code} {name} không chờ duyệt (trạng thái: {status})",
        "en": "{code} {name} is not waiting for acceptance (status: {status})",
    },
    "rejected_to_registrant": {
        "vi": "{clinic} chưa tiếp nhận đăng ký của {name}: {reason}. Vui lòng gọi {clinic_phone}",
        "en": "{clinic} did not accept the registration of {name}: {reason}. Please call {clinic_phone}",
    },
    "staff_rejected": {
        "vi": "Đã từ chối {code} {name}. Đã báo người đăng ký",
        "en": "Rejected {code} {name}. The registrant has been told",
    },
    "staff_reject_needs_reason": {
        "vi": "Cần lý do: TUCHOI {code} <lý do>",
        "en": "A reason is needed: TUCHOI {code} <reason>",
    },
    "staff_unknown_code": {
        "vi": "Không có bệnh nhân {code} ở {clinic}. Kiểm tra lại mã",
        "en": "No patient {code} at {clinic}. Check the code",
    },
    "staff_help": {
        "vi": "Lệnh: DUYET <mã>; TUCHOI <mã> <lý do>; OK <mã> (nhận cảnh báo); XONG <mã>; TIEP <mã> "
        "<số ngày>; DK <số ĐT> <họ tên>, <năm sinh>, <phường/xã>",
        "en": "Commands: DUYET <code>; TUCHOI <code> <reason>; OK <code> (take an alert); XONG <code>; "
        "TIEP <code> <days>; DK <phone> <full name>, <birth year>, <ward>",
    },
    "staff_dk_format": {
        "vi": "Gửi: DK <số di động> <họ tên>, <năm sinh>, <phường/xã>. VD: DK 0912345678 Nguyen Van An, 1980, Tran Phu",
        "en": "Send: DK <mobile> <full name>, <birth year>, <ward>. E.g. DK 0912345678 Nguyen Van An, 1980, Tran Phu",
    },
    "staff_dk_landline": {
        "vi": "{phone} là số cố định, không nhận được tin nhắn. Cần số di động của bệnh nhân",
        "en": "{phone} is a landline and cannot get SMS. The patient's mobile number is needed",
    },
    "status_pending": {"vi": "chờ duyệt", "en": "pending"},
    "status_active": {"vi": "đang theo dõi", "en": "active"},
    "status_rejected": {"vi": "đã từ chối", "en": "rejected"},
    "status_discharged": {"vi": "đã kết thúc", "en": "discharged"},
    "staff_dk_other_clinic": {
        "vi": "{area} do {clinic} quản lý. Chỉ đăng ký bệnh nhân của trạm mình",
        "en": "{area} is served by {clinic}. Register only your own station's patients",
    },
    "staff_dk_unknown_area": {
        "vi": 'Không tìm thấy phường/xã "{text}". Có phải: {options}?',
        "en": 'No ward "{text}". Did you mean: {options}?',
    },
    "staff_registered": {
        "vi": "Đã đăng ký {code} {name}, {age} tuổi, {area}, ĐT {phone}. Đã gửi tin chào mừng",
        "en": "Registered {code} {name}, {age} y, {area}, tel {phone}. Welcome sent",
    },
    "staff_dk_duplicate": {
        "vi": "{name} đã có mã {code} trên số {phone}",
        "en": "{name} already has code {code} on {phone}",
    },
    "red_staff": {
        "vi": "CẢNH BÁO ĐỎ {code} {name}, {age}t, ĐT {phone}, {area}: {reasons}. Nguy cơ: {risks}. Trả lời OK {code}",
        "en": "RED ALERT {code} {name}, {age}y, tel {phone}, {area}: {reasons}. Risks: {risks}. Reply OK {code}",
    },
    "staff_acked": {
        "vi": "Đã nhận {count} cảnh báo của {code} {name}. Hãy gọi {phone}",
        "en": "Took {count} alert(s) of {code} {name}. Please call {phone}",
    },
    "staff_no_alerts": {
        "vi": "{code} {name} không có cảnh báo đang mở",
        "en": "{code} {name} has no open alert",
    },
}
