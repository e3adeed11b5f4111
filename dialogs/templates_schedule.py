"""Texts of the scheduled jobs: reminders, digests, escalations, end of monitoring."""

from __future__ import annotations

SCHEDULE: dict[str, dict[str, str]] = {
    "household_prompt": {
        "vi": "Hôm nay {date}: mỗi người gửi 1 tin: mã + 6 số (SpO2 nhịp thở mạch nhiệt độ khó thở 0/1 "
        "dấu hiệu 0-4). VD: {example} 98 18 86 37.5 0 0. {people}",
        "en": "Today {date}: one SMS per person: code + 6 numbers (SpO2 breaths pulse temp "
        "breathless 0/1 signs 0-4). E.g. {example} 98 18 86 37.5 0 0. {people}",
    },
    "reminder": {
        "vi": "{code}Chưa nhận khai báo hôm nay {date}. Gửi trước {deadline}: 6 số, VD 98 18 86 37.5 0 0, "
        "hoặc KB. CUU: cấp cứu",
        "en": "{code}No declaration yet today {date}. Send before {deadline}: 6 numbers, e.g. "
        "98 18 86 37.5 0 0, or KB. SOS: emergency",
    },
    "test_request": {
        "vi": "{code}Đã đến ngày {day} theo dõi. Hãy test nhanh COVID và gửi kết quả: AM (âm tính) "
        "hoặc DUONG (dương tính)",
        "en": "{code}Day {day} of monitoring. Please do a rapid COVID test and send the result: AM "
        "(negative) or DUONG (positive)",
    },
    "test_not_asked": {
        "vi": "Chưa đến ngày test. Trạm y tế sẽ hỏi kết quả test nhanh vào ngày {date}",
        "en": "Not yet time for the test. The health station will ask for a rapid test on {date}",
    },
    "test_negative_patient": {
        "vi": "Đã ghi kết quả ÂM TÍNH của {code}. Trạm y tế sẽ xác nhận khỏi bệnh. Tiếp tục khai "
        "báo đến khi có xác nhận",
        "en": "Negative result saved for {code}. The health station will confirm recovery. Keep declaring until then",
    },
    "test_negative_staff": {
        "vi": "{code} {name} test nhanh ÂM TÍNH ngày {day}. Xác nhận khỏi bệnh: XONG {code}; gia "
        "hạn: TIEP {code} <số ngày>",
        "en": "{code} {name} rapid test NEGATIVE on day {day}. Confirm recovery: XONG {code}; "
        "extend: TIEP {code} <days>",
    },
    "test_positive_patient": {
        "vi": "Đã ghi kết quả DƯƠNG TÍNH của {code}. Tiếp tục cách ly, khai báo hằng ngày. Test lại ngày {date}",
        "en": "Positive result saved for {code}. Keep isolating and declaring daily. Test again on {date}",
    },
    "still_positive_staff": {
        "vi": "{code} {name} vẫn dương tính/chưa có kết quả ngày {day}. Gia hạn: TIEP {code} <số "
        "ngày>; kết thúc: XONG {code}",
        "en": "{code} {name} still positive or no result on day {day}. Extend: TIEP {code} <days>; end: XONG {code}",
    },
    "no_test_result_staff": {
        "vi": "{code} {name} chưa gửi kết quả test nhanh ngày {day}. Hãy gọi bệnh nhân. Gia hạn: TIEP "
        "{code} <số ngày>; kết thúc: XONG {code}",
        "en": "{code} {name} sent no rapid-test result on day {day}. Please call. Extend: TIEP {code} "
        "<days>; end: XONG {code}",
    },
    "closing": {
        "vi": "{name} ({code}): kết thúc theo dõi F0 tại nhà. Sau khỏi bệnh: nghỉ ngơi, ăn uống "
        "đủ, tập thở; nếu khó thở, đau ngực, mệt kéo dài hãy gọi {clinic_phone}. Chúc bạn khỏe!",
        "en": "{name} ({code}): home monitoring has ended. After COVID: rest, eat well, do "
        "breathing exercises; if short of breath, chest pain or lasting tiredness call "
        "{clinic_phone}. Stay well!",
    },
    "staff_ended": {"vi": "Đã kết thúc theo dõi {code} {name}", "en": "Monitoring ended for {code} {name}"},
    "staff_extended": {
        "vi": "Đã gia hạn theo dõi {code} {name} đến {date}",
        "en": "Monitoring of {code} {name} extended to {date}",
    },
    "staff_extend_format": {
        "vi": "Gửi: TIEP <mã> <số ngày 1-14>, VD TIEP {code} 3",
        "en": "Send: TIEP <code> <days 1-14>, e.g. TIEP {code} 3",
    },
    "patient_extended": {
        "vi": "{clinic} gia hạn theo dõi {code} đến {date}. Tiếp tục khai báo hằng ngày",
        "en": "{clinic} extended the monitoring of {code} to {date}. Keep declaring daily",
    },
    "not_reporting_reason": {
        "vi": "không khai báo 2 ngày liền",
        "en": "no declaration for 2 days in a row",
    },
    "escalation_staff": {
        "vi": "NHẮC LẠI cảnh báo đỏ {code} {name}, ĐT {phone}: {reason}. Chưa ai nhận sau {minutes} "
        "phút. Trả lời OK {code}",
        "en": "REPEAT red alert {code} {name}, tel {phone}: {reason}. Nobody took it in {minutes} min. Reply OK {code}",
    },
    "escalation_oncall": {
        "vi": "TRỰC: cảnh báo đỏ chưa ai nhận {code} {name}, ĐT {phone}, {clinic}: {reason}. Trả lời OK {code}",
        "en": "ON CALL: unanswered red alert {code} {name}, tel {phone}, {clinic}: {reason}. Reply OK {code}",
    },
    "pending_again": {
        "vi": "NHẮC: ĐK {code} {name}, {area}, ĐT {phone} chờ duyệt {hours} giờ. DUYET {code} hoặc "
        "TUCHOI {code} <lý do>",
        "en": "REMINDER: registration {code} {name}, {area}, tel {phone} waiting {hours} h. DUYET "
        "{code} or TUCHOI {code} <reason>",
    },
    "digest_head": {
        "vi": "{clinic} {date}: đã khai báo {reported}/{total}.",
        "en": "{clinic} {date}: declared {reported}/{total}.",
    },
    "digest_missing": {"vi": " Chưa KB ({n}): ", "en": " Missing ({n}): "},
    "digest_yellow": {"vi": " Vàng ({n}): ", "en": " Yellow ({n}): "},
    "digest_red": {"vi": " Đỏ chưa OK ({n}): ", "en": " Open red ({n}): "},
    "digest_failed": {"vi": " Không gửi được ({n}): ", "en": " Undeliverable ({n}): "},
    "digest_opted_out": {"vi": " Đã dừng tin ({n}): ", "en": " Opted out ({n}): "},
    "digest_more": {
        "vi": " ...và {n} nữa: xem f0care report",
        "en": " ...and {n} more: see f0care report",
    },
}
