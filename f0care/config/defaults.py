"""The default questions and guidance (Ministry of Health 261/QĐ-BYT), as YAML-shaped data.

Used when config.yaml has no `questions:` or `guidance:` section; the shipped
config.yaml spells the same data out so administrators can see and edit it.
"""

from __future__ import annotations

from typing import Any, Final

DEFAULT_QUESTIONS: Final[tuple[dict[str, Any], ...]] = (
    {
        "key": "spo2",
        "example": "98",
        "kind": "number",
        "label": {"vi": "SpO2 (%)", "en": "SpO2 (%)"},
        "min": 70,
        "max": 100,
        "unit": "%",
        "none_words": ["0", "K", "KO", "KHONG"],
        "rules": [
            {"level": "red", "op": "<=", "value": 96},
            {"level": "yellow", "when_none": True},
        ],
    },
    {
        "key": "breaths",
        "example": "18",
        "kind": "number",
        "label": {"vi": "Nhịp thở/phút", "en": "Breaths/min"},
        "min": 5,
        "max": 80,
        "unit": "/phut",
        "rules": [
            {"level": "red", "op": ">=", "value": 20, "min_age": 12},
            {"level": "red", "op": ">=", "value": 30, "min_age": 5, "max_age": 12},
            {"level": "red", "op": ">=", "value": 40, "min_age": 1, "max_age": 5},
            {"level": "red", "op": ">=", "value": 50, "max_age": 1},
        ],
    },
    {
        "key": "pulse",
        "example": "86",
        "kind": "number",
        "label": {"vi": "Mạch/phút", "en": "Pulse/min"},
        "min": 30,
        "max": 220,
        "unit": "/phut",
        "rules": [
            {"level": "red", "op": ">", "value": 120},
            {"level": "red", "op": "<", "value": 50},
        ],
    },
    {
        "key": "temperature",
        "example": "37.5",
        "kind": "number",
        "label": {"vi": "Nhiệt độ", "en": "Temperature"},
        "min": 34,
        "max": 43,
        "unit": "C",
        "rules": [
            {"level": "red", "op": ">", "value": 39, "max_age": 5},
            {"level": "yellow", "op": ">", "value": 38.5},
        ],
    },
    {
        "key": "breathless",
        "example": "0",
        "kind": "yesno",
        "label": {"vi": "Khó thở/đau ngực (0/1)", "en": "Breathless/chest pain (0/1)"},
        "rules": [{"level": "red", "op": "==", "value": 1}],
    },
    {
        "key": "signs",
        "example": "0",
        "kind": "digits",
        "label": {"vi": "Dấu hiệu khác (0-4)", "en": "Other signs (0-4)"},
        "allowed_digits": "01234",
        "rules": [
            {"level": "red", "any_of": [1, 2, 3]},
            {"level": "yellow", "any_of": [4]},
        ],
    },
)

# A typical healthy answer to each default question, for the prompts' "VD: 98 18 86 37.5 0 0";
# also used when config.yaml lists a default question without its own example.
DEFAULT_EXAMPLES: Final[dict[str, str]] = {str(q["key"]): str(q["example"]) for q in DEFAULT_QUESTIONS}

DEFAULT_GUIDANCE: Final[tuple[dict[str, Any], ...]] = (
    {
        "title": {"vi": "Khi nào cần gọi ngay", "en": "When to call for help"},
        "text": {
            "vi": "Gọi trạm y tế hoặc 115 ngay nếu: khó thở, thở nhanh (người lớn từ 20"
            " lần/phút), SpO2 từ 96% trở xuống, mạch trên 120 hoặc dưới 50, đau tức ngực,"
            " lú lẫn, li bì, môi hoặc đầu ngón tay tím tái. Trẻ em: thở rên, rút lõm ngực,"
            " bỏ bú, nôn, co giật.",
            "en": "Call the health station or 115 at once if: short of breath, fast"
            " breathing (adults 20/min or more), SpO2 96% or lower, pulse over 120 or under"
            " 50, chest pain, confusion, drowsiness, blue lips or fingertips. Children:"
            " grunting, chest indrawing, not feeding, vomiting, fits.",
        },
    },
    {
        "title": {"vi": "Chăm sóc khi sốt", "en": "Fever care"},
        "text": {
            "vi": "Sốt trên 38,5 độ C: người lớn uống paracetamol 0,5 g, cách 4-6 giờ một"
            " lần, tối đa 4 lần/ngày; trẻ em 10-15 mg/kg mỗi lần. Uống đủ nước, pha oresol"
            " đúng hướng dẫn trên gói. Trẻ dưới 5 tuổi sốt trên 39 độ C không giảm: báo"
            " trạm y tế.",
            "en": "Fever above 38.5 C: adults take paracetamol 0.5 g every 4-6 hours, at"
            " most 4 times a day; children 10-15 mg/kg a dose. Drink plenty; mix oral"
            " rehydration salts (ORS) as the packet says. A child under 5 with fever above"
            " 39 C that does not come down: tell the station.",
        },
    },
    {
        "title": {"vi": "Cách đo SpO2", "en": "Using an oximeter"},
        "text": {
            "vi": "Đo SpO2: ngồi nghỉ 5 phút, làm ấm tay, bỏ sơn móng. Kẹp máy vào ngón trỏ"
            " hoặc ngón giữa, để tay yên ngang ngực, chờ số ổn định rồi đọc. Đo lại sau 1"
            " phút; nếu vẫn từ 96% trở xuống, báo trạm y tế ngay.",
            "en": "Measuring SpO2: rest seated for 5 minutes, warm your hand, remove nail"
            " polish. Clip the oximeter on the index or middle finger, keep the hand still"
            " at chest level, wait for a stable number. Re-measure after 1 minute; if still"
            " 96% or lower, tell the station at once.",
        },
    },
    {
        "title": {"vi": "Bài tập thở", "en": "Breathing exercises"},
        "text": {
            "vi": "Tập thở 2-3 lần/ngày, mỗi lần 10 phút: ngồi thẳng, hít chậm bằng mũi cho"
            " bụng phình lên, mím môi thở ra chậm, dài gấp đôi lúc hít vào. Nằm sấp hoặc"
            " nằm nghiêng, đổi tư thế giúp dễ thở hơn. Dừng lại nếu chóng mặt hoặc đau"
            " ngực.",
            "en": "Breathing exercises 2-3 times a day, 10 minutes each: sit up straight,"
            " breathe in slowly through the nose so the belly rises, breathe out through"
            " pursed lips twice as long. Lying on your front or side helps breathing. Stop"
            " if dizzy or in chest pain.",
        },
    },
    {
        "title": {"vi": "Cách ly tại nhà", "en": "Isolating at home"},
        "text": {
            "vi": "Ở phòng riêng, mở cửa sổ cho thoáng. Đeo khẩu trang khi có người khác,"
            " giữ cách 2 m. Rửa tay bằng xà phòng thường xuyên. Dùng bát đũa riêng, rác cho"
            " vào túi kín. Người chăm sóc đeo khẩu trang, rửa tay sau khi tiếp xúc. Cách ly"
            " 7 ngày và test nhanh âm tính.",
            "en": "Stay in your own room with the window open. Wear a mask when others are"
            " near and keep 2 m apart. Wash hands with soap often. Use your own dishes; put"
            " rubbish in a closed bag. Carers wear a mask and wash hands after contact."
            " Isolation: 7 days and a negative rapid test.",
        },
    },
    {
        "title": {"vi": "Dinh dưỡng", "en": "Nutrition"},
        "text": {
            "vi": "Ăn đủ bữa, chia nhỏ nhiều bữa, món mềm dễ tiêu: cháo, súp, thịt, cá,"
            " trứng, sữa, rau xanh, hoa quả. Uống 2 lít nước mỗi ngày (trẻ em theo tuổi),"
            " uống thêm khi sốt. Không hút thuốc, không uống rượu bia. Ngủ đủ giấc.",
            "en": "Eat regular meals, small and often, soft and easy to digest: rice"
            " porridge, soup, meat, fish, eggs, milk, greens, fruit. Drink 2 litres of water"
            " a day (children according to age), more with fever. No smoking, no alcohol."
            " Sleep well.",
        },
    },
)
