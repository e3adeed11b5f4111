"""Every text the service sends, in Vietnamese and English.

Vietnamese is written with diacritics here and folded to GSM-7 ASCII when
`service.sms_ascii` is true (the default), so one segment holds 160 characters.
"""

from __future__ import annotations

from dataclasses import dataclass

from dialogs.templates_daily import DAILY
from dialogs.templates_schedule import SCHEDULE
from dialogs.templates_staff import STAFF
from dialogs.text import to_sms

REGISTRATION: dict[str, dict[str, str]] = {
    # --- registration -----------------------------------------------------
    "reg_name": {
        "vi": "Đăng ký theo dõi F0 tại nhà (gửi HUY để dừng). 1/7: Họ tên người bệnh?",
        "en": "F0 home care registration (send HUY to stop). 1/7: Patient's full name?",
    },
    "reg_name_invalid": {
        "vi": "Họ tên cần 2-60 chữ cái, VD: Nguyen Van An. 1/7: Họ tên người bệnh?",
        "en": "A name needs 2-60 letters, e.g. Nguyen Van An. 1/7: Patient's full name?",
    },
    "reg_birth": {
        "vi": "2/7: Ngày sinh hoặc năm sinh? VD: 15/3/1980 hoặc 1980",
        "en": "2/7: Date or year of birth? E.g. 15/3/1980 or 1980",
    },
    "reg_birth_invalid": {
        "vi": "Chưa hiểu ngày sinh. 2/7: Gửi năm sinh 4 số (VD 1980) hoặc ngày/tháng/năm (VD 15/3/1980)",
        "en": "Could not read the birth date. 2/7: Send a 4-digit year (e.g. 1980) or day/month/year",
    },
    "reg_area": {
        "vi": "3/7: Phường/xã nơi đang ở? VD: Trần Phú",
        "en": "3/7: Ward or commune where the patient lives? E.g. Tran Phu",
    },
    "reg_area_suggest": {
        "vi": 'Không tìm thấy "{text}". Có phải: {options}? 3/7: Gửi số hoặc tên phường/xã',
        "en": 'No ward "{text}". Did you mean: {options}? 3/7: Send the number or the ward name',
    },
    "reg_phone": {
        "vi": "4/7: Số di động nhận câu hỏi hằng ngày? Gửi NAY nếu là số này",
        "en": "4/7: Mobile number for the daily questions? Send NAY for this number",
    },
    "reg_phone_invalid": {
        "vi": '"{text}" không phải số di động. 4/7: Gửi số di động (VD 0912345678) hoặc NAY',
        "en": '"{text}" is not a mobile number. 4/7: Send a mobile number (e.g. 0912345678) or NAY',
    },
    "reg_phone_landline": {
        "vi": "{text} là số cố định, không nhận được tin nhắn. 4/7: Gửi số di động (VD 0912345678) hoặc NAY",
        "en": "{text} is a landline and cannot get SMS. 4/7: Send a mobile number (e.g. 0912345678) or NAY",
    },
    "reg_test_date": {
        "vi": "5/7: Ngày có kết quả xét nghiệm dương tính? VD: hom nay, 25/11",
        "en": "5/7: Date of the positive test? E.g. today, 25/11",
    },
    "reg_test_date_invalid": {
        "vi": "Chưa hiểu ngày. 5/7: Gửi hom nay, hom qua hoặc ngày/tháng (VD 25/11), trong 60 ngày qua",
        "en": "Could not read the date. 5/7: Send today, yesterday or day/month (e.g. 25/11), last 60 days",
    },
    "reg_symptoms": {
        "vi": "6/7: Hiện có triệu chứng (sốt, ho, đau họng, mệt...)? Gửi C (có) hoặc K (không)",
        "en": "6/7: Any symptoms now (fever, cough, sore throat, tiredness...)? Send Y or N",
    },
    "reg_symptoms_invalid": {
        "vi": "6/7: Gửi C nếu có triệu chứng, K nếu không",
        "en": "6/7: Send Y if there are symptoms, N if not",
    },
    "reg_risks": {
        "vi": "7/7: Yếu tố nguy cơ? Gửi các số (VD 13) hoặc K: 1 bệnh mãn tính (tiểu đường, tim, "
        "phổi, thận, gan, ung thư) 2 có thai 3 chưa tiêm đủ vắc xin",
        "en": "7/7: Risk factors? Send the numbers (e.g. 13) or N: 1 chronic disease (diabetes, heart, "
        "lung, kidney, liver, cancer) 2 pregnant 3 not fully vaccinated",
    },
    "reg_risks_invalid": {
        "vi": "7/7: Gửi các số 1, 2, 3 (VD 13) hoặc K nếu không có",
        "en": "7/7: Send the numbers 1, 2, 3 (e.g. 13) or N for none",
    },
    "otp_sent": {
        "vi": "Đã gửi mã xác nhận 6 số đến {phone}. Gửi mã đó vào đây để hoàn tất (hiệu lực 10 "
        "phút). GUI LAI: gửi lại mã",
        "en": "A 6-digit code was sent to {phone}. Send it here to finish (valid 10 minutes). GUI LAI: send it again",
    },
    "otp_message": {
        "vi": "{service}: mã xác nhận đăng ký theo dõi F0 cho {name}: {otp} (10 phút). Không đưa mã cho người lạ.",
        "en": "{service}: the code to confirm F0 home care for {name} is {otp} (10 minutes). "
        "Do not share it with strangers.",
    },
    "otp_wrong": {
        "vi": "Mã không đúng. Còn {left} lần thử. GUI LAI: gửi mã mới",
        "en": "Wrong code. {left} tries left. GUI LAI: send a new code",
    },
    "otp_expired": {
        "vi": "Mã đã hết hạn. Gửi GUI LAI để nhận mã mới",
        "en": "The code has expired. Send GUI LAI for a new one",
    },
    "otp_failed": {
        "vi": "Sai mã 5 lần, đăng ký đã hủy. Gửi DK để đăng ký lại",
        "en": "5 wrong codes: the registration is cancelled. Send DK to start again",
    },
    "otp_format": {
        "vi": "Gửi mã 6 số đã nhận, GUI LAI để nhận mã mới, HUY để hủy",
        "en": "Send the 6-digit code, GUI LAI for a new code, HUY to cancel",
    },
    "otp_resend_limit": {
        "vi": "Đã gửi lại mã 3 lần. Gửi HUY rồi DK để làm lại, hoặc gọi trạm y tế {clinic_phone}",
        "en": "The code was resent 3 times. Send HUY then DK to start again, or call {clinic_phone}",
    },
    "otp_daily_limit": {
        "vi": "Số {phone} đã nhận 5 mã hôm nay. Thử lại ngày mai hoặc gọi trạm y tế {clinic_phone}",
        "en": "{phone} has had 5 codes today. Try again tomorrow or call the health station {clinic_phone}",
    },
    "reg_submitted": {
        "vi": "Đã xác nhận. {clinic} sẽ kiểm tra đăng ký của {name} (mã {code}) và liên hệ. ĐT trạm: {clinic_phone}",
        "en": "Confirmed. {clinic} will check the registration of {name} (code {code}) and get in "
        "touch. Phone: {clinic_phone}",
    },
    "reg_duplicate": {
        "vi": "{name} đã đăng ký với mã {code}. TRO GIUP: cách dùng",
        "en": "{name} is already registered with code {code}. HELP: how to use",
    },
    "cancelled": {
        "vi": "Đã hủy. Gửi DK để đăng ký, TRO GIUP để xem cách dùng",
        "en": "Cancelled. Send DK to register, HELP for the keywords",
    },
    "nothing_to_cancel": {
        "vi": "Không có việc gì đang làm dở. TRO GIUP: cách dùng",
        "en": "Nothing in progress to cancel. HELP: the keywords",
    },
}

T: dict[str, dict[str, str]] = {**REGISTRATION, **DAILY, **STAFF, **SCHEDULE}


@dataclass(frozen=True)
class Texts:
    """Renders templates in one language, folded to GSM-7 when `ascii_only`."""

    language: str
    ascii_only: bool

    def __call__(self, key: str, **values: object) -> str:
        return to_sms(self.raw(key).format(**values), self.ascii_only)

    def raw(self, key: str) -> str:
        variants = T[key]
        return variants.get(self.language) or variants["vi"]
