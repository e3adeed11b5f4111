"""The web pages' words: Vietnamese with diacritics by default, English on request (`?lang=en`, kept in the session).

Each feature adds its own strings with `add_strings({"key": {"vi": ..., "en": ...}})`; templates
call `t("key", name=value)`. A missing key shows the key itself, so a gap is visible, not fatal.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask import g, request, session

LANGUAGES = ("vi", "en")
DEFAULT = "vi"
_STRINGS: dict[str, dict[str, str]] = {}


def add_strings(strings: Mapping[str, Mapping[str, str]]) -> None:
    """Register page strings: key -> {"vi": ..., "en": ...}; both languages are required."""
    for key, texts in strings.items():
        missing = [lang for lang in LANGUAGES if not texts.get(lang)]
        if missing:
            raise ValueError(f"web string {key!r} has no text in {missing}")
        _STRINGS[key] = dict(texts)


def language() -> str:
    """The page language: `?lang=` (remembered in the session), else the session's, else Vietnamese."""
    if "lang" in g:
        return str(g.lang)
    asked = request.args.get("lang", "")
    if asked in LANGUAGES:
        session["lang"] = asked
    kept = session.get("lang", DEFAULT)
    g.lang = kept if kept in LANGUAGES else DEFAULT
    return str(g.lang)


def t(key: str, **values: object) -> str:
    """The string `key` in the page language, with `{name}` placeholders filled."""
    texts = _STRINGS.get(key)
    if texts is None:
        return key
    text = texts.get(language()) or texts[DEFAULT]
    return text.format(**values) if values else text


add_strings(
    {
        "lang_switch": {"vi": "English", "en": "Tiếng Việt"},
        "logout": {"vi": "Đăng xuất", "en": "Log out"},
        "not_found": {"vi": "Không tìm thấy trang này.", "en": "This page does not exist."},
        "bad_request": {
            "vi": "Yêu cầu không hợp lệ hoặc biểu mẫu đã hết hạn. Hãy tải lại trang và thử lại.",
            "en": "The request was invalid or the form expired. Reload the page and try again.",
        },
        "phone_label": {"vi": "Số điện thoại", "en": "Phone number"},
        "code_label": {"vi": "Mã 6 số nhận qua SMS", "en": "6-digit code received by SMS"},
        "send_code": {"vi": "Gửi mã qua SMS", "en": "Send me a code by SMS"},
        "log_in": {"vi": "Đăng nhập", "en": "Log in"},
        "code_sent": {
            "vi": "Nếu số {phone} có quyền đăng nhập, một mã 6 số vừa được gửi qua SMS (hiệu lực 10 phút).",
            "en": "If {phone} may log in, a 6-digit code was just sent to it by SMS (valid 10 minutes).",
        },
        "code_wrong": {"vi": "Mã không đúng. Còn {left} lần thử.", "en": "Wrong code. {left} tries left."},
        "code_expired": {"vi": "Mã đã hết hạn. Hãy xin mã mới.", "en": "The code has expired. Ask for a new one."},
        "code_locked": {
            "vi": "Sai mã quá nhiều lần hoặc chưa có mã. Hãy xin mã mới.",
            "en": "Too many wrong codes, or no code was sent. Ask for a new one.",
        },
        "phone_invalid": {
            "vi": "Số điện thoại không hợp lệ. Ví dụ: 0912 345 678",
            "en": "Not a phone number. Example: 0912 345 678",
        },
    }
)
