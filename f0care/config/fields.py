"""Building blocks of the config models: the base model, phone and time checks, text folding.

Phone numbers are parsed for the region in the validation context
(`{"region": "VN"}`, VN when absent).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import phonenumbers
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

# Public on purpose: accepted only on loopback with the console provider (f0care.config.exposure).
DEV_SECRET_KEY = "f0care-dev-secret-key-not-for-production"  # nosec B105
MIN_SECRET_KEY = 32  # characters of service.secret_key whenever it matters
MIN_DEV_TOKEN = 16  # non-blank characters of gateway.dev_auth_token
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")
_MOBILE_TYPES = (
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
)

KeyPath = tuple[str | int, ...]

KEY_FIX = (
    "set it to a random value of at least 32 characters, e.g. "
    "export F0CARE_SECRET_KEY=\"$(python3 -c 'import secrets; print(secrets.token_urlsafe(32))')\" "
    '(config.yaml reads it with secret_key: "${F0CARE_SECRET_KEY}")'
)


class Problems(ValueError):
    """Several problems found by one validator, each at a key path below its model."""

    def __init__(self, problems: list[tuple[KeyPath, str]]) -> None:
        super().__init__("; ".join(message for _, message in problems))
        self.problems = problems


def fold_ascii(text: str) -> str:
    """Vietnamese text without diacritics, as sent when sms_ascii is on."""
    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def hhmm(value: str) -> str:
    match = _TIME.match(value.strip())
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise ValueError(f'"{value}" is not a time; write a 24-hour "HH:MM" time, e.g. "07:00"')
    return f"{int(match[1]):02d}:{match[2]}"


def region_of(info: ValidationInfo) -> str:
    region = info.context.get("region", "VN") if isinstance(info.context, dict) else "VN"
    return region if isinstance(region, str) else "VN"


def as_text(value: object) -> object:
    """YAML reads an unquoted 912000001 as a number; a phone is text."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _parse_phone(raw: str, region: str) -> phonenumbers.PhoneNumber:
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValueError(f'"{raw}" is not a valid phone number; write it like 0912000001 or +84912000001')
    return number


def any_phone_e164(raw: str, region: str) -> str:
    return phonenumbers.format_number(_parse_phone(raw, region), phonenumbers.PhoneNumberFormat.E164)


def mobile_e164(raw: str, region: str) -> str:
    number = _parse_phone(raw, region)
    if phonenumbers.number_type(number) not in _MOBILE_TYPES:
        raise ValueError(f'"{raw}" is not a mobile number; alerts go out by SMS, so give a mobile such as 0912000001')
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class Model(BaseModel):
    """Base of every config model: frozen, and unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _empty_means_default(cls, data: Any) -> Any:
        """A key left empty in YAML (`questions:`) means "use the default"."""
        if isinstance(data, dict):
            return {key: value for key, value in data.items() if value is not None}
        return data


class WithMobile(Model):
    """A named person reached by SMS; the phone is stored in E.164."""

    name: str = Field(min_length=1)
    phone: str

    @field_validator("phone", mode="before")
    @classmethod
    def _phone_text(cls, value: object) -> object:
        return as_text(value)

    @field_validator("phone")
    @classmethod
    def _mobile(cls, value: str, info: ValidationInfo) -> str:
        return mobile_e164(value, region_of(info))


def secret_key_problem(secret: str, because: str) -> str | None:
    """What is wrong with `secret` as service.secret_key when `because` holds (None: nothing)."""
    if secret == DEV_SECRET_KEY:
        return f"is unset, so the public development key is in use, but {because}; {KEY_FIX}"
    if len(secret) < MIN_SECRET_KEY:
        return f"has {len(secret)} characters, fewer than {MIN_SECRET_KEY}, and {because}; {KEY_FIX}"
    return None
