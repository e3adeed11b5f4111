"""Phone numbers: Vietnam's pre-2018 11-digit mobiles, E.164 normalisation, masking.

Built on `phonenumbers`, a pure library; nothing here raises for a bad number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat, PhoneNumberType

# The 2018 renumbering of 11-digit mobiles to 10 digits; the last 7 digits are kept.
# fmt: off
OLD_PREFIXES: dict[str, str] = {
    # MobiFone
    "0120": "070", "0121": "079", "0122": "077", "0126": "076", "0128": "078",
    # VinaPhone
    "0123": "083", "0124": "084", "0125": "085", "0127": "081", "0129": "082",
    # Viettel
    "0162": "032", "0163": "033", "0164": "034", "0165": "035", "0166": "036",
    "0167": "037", "0168": "038", "0169": "039",
    # Vietnamobile, Gmobile
    "0186": "056", "0188": "058", "0199": "059",
}
# fmt: on

_MOBILE_TYPES = frozenset({PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE})
_PUNCTUATION = re.compile(r"[\s.()\-/]+")
_OLD_NATIONAL = re.compile(r"(01[0-9]{2})([0-9]{7})", re.ASCII)
_OLD_INTERNATIONAL = re.compile(r"(\+|00)?84(1[0-9]{2})([0-9]{7})", re.ASCII)
# A Vietnamese mobile already in E.164, as the providers send a sender: by phonenumbers' own
# pattern for VN mobiles, so it is returned as it is without a full parse (a parse is about a
# tenth of a webhook's CPU, and with tens of thousands of phones a cache rarely holds the sender).
_VN_MOBILES = phonenumbers.PhoneMetadata.metadata_for_region("VN").mobile.national_number_pattern  # type: ignore[union-attr]
_VN_MOBILE_E164 = re.compile(rf"\+84(?=[3-9])(?:{_VN_MOBILES})", re.ASCII)


@dataclass(frozen=True)
class MobileCheck:
    """Result of checking a number for SMS: `problem` is "invalid", "not_mobile" or None."""

    e164: str | None
    problem: str | None


def _renumber(raw: str, region: str) -> str:
    """Return `raw` with a pre-2018 11-digit mobile rewritten to its 10-digit form."""
    compact = _PUNCTUATION.sub("", raw)
    international = _OLD_INTERNATIONAL.fullmatch(compact)
    if international:
        new = OLD_PREFIXES.get("0" + international.group(2))
        return f"+84{new[1:]}{international.group(3)}" if new else raw
    national = _OLD_NATIONAL.fullmatch(compact)
    if national and region.upper() == "VN":
        new = OLD_PREFIXES.get(national.group(1))
        return f"{new}{national.group(2)}" if new else raw
    return raw


def _parse(raw: str, region: str) -> phonenumbers.PhoneNumber | None:
    """Return the parsed valid number, or None."""
    try:
        number = phonenumbers.parse(_renumber(raw, region), region)
    except NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def normalize_phone(raw: str, region: str = "VN") -> str | None:
    """Return any valid number (mobile or landline) in E.164, or None."""
    if _VN_MOBILE_E164.fullmatch(raw):
        return raw
    return _normalize(raw, region)


@lru_cache(maxsize=65536)  # numbers typed in messages and forms; a phone writes many times
def _normalize(raw: str, region: str) -> str | None:
    number = _parse(raw, region)
    return None if number is None else phonenumbers.format_number(number, PhoneNumberFormat.E164)


def check_mobile(raw: str, region: str = "VN") -> MobileCheck:
    """Return the E.164 form and whether the number can receive SMS (mobile)."""
    number = _parse(raw, region)
    if number is None:
        return MobileCheck(e164=None, problem="invalid")
    e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    if phonenumbers.number_type(number) not in _MOBILE_TYPES:
        return MobileCheck(e164=e164, problem="not_mobile")
    return MobileCheck(e164=e164, problem=None)


def mask_phone(e164: str) -> str:
    """Return the number with its middle hidden, e.g. "+84912345678" -> "0912***678"."""
    digits = e164
    try:
        number = phonenumbers.parse(e164, None)
        if phonenumbers.region_code_for_number(number) == "VN":
            national = phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
            digits = re.sub(r"[^0-9]", "", national)
    except NumberParseException:
        pass
    if len(digits) <= 7:
        return digits[:2] + "***"
    return f"{digits[:4]}***{digits[-3:]}"


def region_of(e164: str) -> str | None:
    """The country (ISO 3166 alpha-2) of an E.164 number, or None when it cannot be told."""
    try:
        return phonenumbers.region_code_for_number(phonenumbers.parse(e164, None))
    except NumberParseException:
        return None
