"""The longest realistic value of every placeholder, to check that a text fits its SMS budget.

Values come from the program (the longest clinic name, area, staff name, question labels)
and from what the callers cut free text to (a quoted message to 60 characters, a reason to 120).
"""

from __future__ import annotations

from collections.abc import Callable

from dialogs.program import Program, Question, QuestionKind
from dialogs.render import RISK_LABELS
from dialogs.templates import Texts
from dialogs.text import to_sms
from dialogs.triage import short_label, show

NAME60 = "Nguyen Thi Phuong Thao Hoang Le Minh Chau Bao Ngoc Tran Linh"
REASON120 = ("Benh nhan da chuyen den dieu tri tai Benh vien Da khoa tinh Hai Duong tu ngay 24/11, " * 3)[:120]
FREE_TEXT500 = ("Toi bi ho va sot cao tu hom qua, uong thuoc khong do, " * 10)[:500]
CODES = ("K7M2Q", "B3CHD", "C4PND", "D5QRS", "E6TUV")
# The longest risk lists a patient can have: three factors, one of them age or pregnancy.
_RISK_SETS = (("chronic", "unvaccinated", "age_50"), ("chronic", "pregnant", "unvaccinated"))

Values = dict[str, object]


def longest(values: list[str]) -> str:
    return max(values, key=len)


def widest_answer(question: Question) -> str:
    """The widest answer a patient may send: '220', '42.9' (when a rule has decimals), '1234', '1'."""
    if question.kind is QuestionKind.YESNO:
        return "1"
    if question.kind is QuestionKind.DIGITS:
        return "".join(sorted(set(question.allowed_digits) - {"0"})) or "0"
    bounds = [b for b in (question.minimum, question.maximum) if b is not None] or [999.0]
    shown = [show(float(b)) for b in bounds]
    if any(r.value is not None and not float(r.value).is_integer() for r in question.rules):
        shown.append(show(round(max(bounds) - 0.1, 1)))
    return longest(shown)


def answers_line(program: Program, language: str) -> str:
    """'SpO2 100, Nhip tho 80, ...': every question at its widest, as triage and the confirmation show it."""
    return ", ".join(f"{short_label(q, language)} {widest_answer(q)}" for q in program.questions)


def widest_values(program: Program, texts: Texts) -> Callable[[str], Values]:
    """For a text key, the longest realistic value of each placeholder its callers fill."""
    common = _common(program, texts)
    per_key = _per_key(program, texts, common)

    def values(key: str) -> Values:
        # A USSD wording of an SMS text (`ussd_<key>`) is filled by the same callers.
        return {**common, **per_key.get(key, per_key.get(key.removeprefix("ussd_"), {}))}

    return values


def _common(program: Program, texts: Texts) -> Values:
    lang = texts.language
    clinics = program.clinics
    staff_names = [s.name for c in clinics for s in c.staff] or ["BS"]
    answers = answers_line(program, lang)
    return {
        "code": "K7M2Q",
        "name": NAME60,
        "clinic": longest([c.name for c in clinics]),
        "clinic_phone": longest([c.phone for c in clinics]),
        "area": longest([a for c in clinics for a in c.areas] or ["Phuong"]),
        "phone": "0987654321",
        "age": 102,
        "date": "25/11",
        "deadline": program.deadline,
        "service": program.name,
        "otp": "123456",
        "left": 4,
        "count": 12,
        "by": longest(staff_names),
        "staff": longest(staff_names),
        "status": longest([texts.raw(k) for k in texts if k.startswith("status_")] or ["discharged"]),
        "when": "23:59 31/12",
        "reason": REASON120,  # staff.handle cuts a rejection reason to 120
        "risks": longest([", ".join(RISK_LABELS[k][lang] for k in keys) for keys in _RISK_SETS]),
        "symptoms": longest([texts.raw("yes"), texts.raw("no")]),
        "reasons": answers,
        "values": answers,
        "advice": texts.raw("advice_fever"),
        "total": len(program.questions),
        "index": len(program.questions),
        "n": FREE_TEXT500[:6],  # guidance cuts the topic number to 6
        "digits": longest([q.allowed_digits for q in program.questions]),
        "low": longest([show(q.minimum) for q in program.questions if q.minimum is not None] or ["0"]),
        "high": longest([show(q.maximum) for q in program.questions if q.maximum is not None] or ["0"]),
        "text": FREE_TEXT500,
        "people": ", ".join(f"{code} Phuong" for code in CODES),
        "example": CODES[0],
        "day": 28,
        "minutes": 120,
        "hours": 240,
        "reported": 999,
        "options": " ".join(f"{i}) {NAME60} {code}" for i, code in enumerate(CODES[:3], start=1)),
        "label": longest([q.label.get(lang) or q.label["vi"] for q in program.questions]),
        "hint": longest([texts.raw(k) for k in ("hint_signs", "hint_range_none", "hint_yesno")]),
        "topics": " ".join(f"{i}) {t.title.get(lang) or t.title['vi']}" for i, t in enumerate(program.guidance, 1)),
        "value": "42.9",
        "sign": "shortness of breath",  # the longest danger sign in words (dialogs.danger)
        "title": longest([t.title.get(lang) or t.title["vi"] for t in program.guidance] or [""]),
    }


def _per_key(program: Program, texts: Texts, common: Values) -> dict[str, Values]:
    """Where a caller cuts or builds a value differently for one text."""
    areas = sorted({a for c in program.clinics for a in c.areas}, key=len, reverse=True)[:3]
    quoted = texts.raw("message_reason").format(text=FREE_TEXT500[:60])
    alert_reason = longest([str(common["reasons"]), quoted, texts.raw("sos_reason")])
    return {
        "reg_area_suggest": {
            "text": FREE_TEXT500[:30],
            "options": ", ".join(f"{i}) {a}" for i, a in enumerate(areas, start=1)),
        },
        "reg_phone_invalid": {"text": FREE_TEXT500[:20], "phone": "+84987654321"},
        "reg_phone_landline": {"text": FREE_TEXT500[:20]},
        "otp_sent": {"phone": "0987***321"},
        "otp_daily_limit": {"phone": "0987***321"},
        "answer_invalid": {"text": to_sms(FREE_TEXT500[:12], True)},
        "message_reason": {"text": FREE_TEXT500[:60]},
        "staff_dk_unknown_area": {"text": FREE_TEXT500[:30], "options": ", ".join(areas)},
        "staff_unknown_code": {"code": FREE_TEXT500[:8]},
        "staff_alert_first": {"reason": FREE_TEXT500[:60], "command": "XONG"},  # staff cuts the reason to 60
        "daily_prompt": {"code": "K7M2Q: "},  # the code prefixes the prompt on a shared phone
        "reminder": {"code": "K7M2Q: "},
        "test_request": {"code": "K7M2Q: "},
        "escalation_staff": {"reason": alert_reason},
        "escalation_oncall": {"reason": alert_reason},
        "red_patient": {"advice": longest([texts.raw(k) for k in texts if k.startswith("red_advice_")] or [""])},
        "sos_sign_patient": {"advice": longest([texts.raw(k) for k in texts if k.startswith("red_advice_")] or [""])},
        "red_why_signs": {"value": ", ".join(texts.raw(k) for k in texts if k.startswith("sign_"))},
        # One SMS for several patients: 4 named (dialogs.alert_collapse and the ladder's MAX_LISTED), the rest counted.
        "red_staff_many": {
            "patients": ", ".join(f"{c} {NAME60[:16]} ({texts.raw('status_pending')})" for c in CODES[:4]) + " +96",
            "reasons": "x" * 80,
        },
        "escalation_staff_list": {"patients": ", ".join(f"{c} 0987654321" for c in CODES[:4]) + " +96"},
        "escalation_oncall_list": {"patients": ", ".join(f"{c} 0987654321" for c in CODES[:4]) + " +96"},
        "alert_update": {"reasons": alert_reason},
        "alert_update_many": {
            "patients": ", ".join(f"{c} {NAME60[:16]}" for c in CODES[:4]) + " +96",
            "reasons": "x" * 80,
        },
        "otp_other_numbers_limit": {"count": 50},
        "otp_budget_staff": {"count": 99999},
        "reg_phone_foreign": {"text": "+88***321"},
        "pending_declarations": {"declarations": "98 18 86 37.5 0 0 " + "x" * 20},
    }
