"""The values of a station's patient file read as the SMS registration reads them: risk factors, test days."""

from __future__ import annotations

import re
from datetime import date

from dialogs.keywords import yes_no
from dialogs.registration import parse_risks
from dialogs.render import RISK_MENU
from dialogs.text import normalize, parse_day, unify

_ISO_DAY = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:[ T][0-9:.]+)?", re.ASCII)
_SPLIT = re.compile(r"[,;/+\n]+|\s+-\s+")
# Risk factors in words, as stations write them (folded, upper case); digits are the SMS menu's.
RISK_WORDS: dict[str, str] = {
    "BENH MAN TINH": "chronic",
    "BENH MAN": "chronic",
    "MAN TINH": "chronic",
    "BENH NEN": "chronic",
    "CHRONIC": "chronic",
    "CHRONIC DISEASE": "chronic",
    "CO THAI": "pregnant",
    "MANG THAI": "pregnant",
    "PREGNANT": "pregnant",
    "PREGNANCY": "pregnant",
    "CHUA TIEM DU": "unvaccinated",
    "CHUA TIEM DU VAC XIN": "unvaccinated",
    "CHUA TIEM": "unvaccinated",
    "CHUA TIEM VAC XIN": "unvaccinated",
    "NOT FULLY VACCINATED": "unvaccinated",
    "UNVACCINATED": "unvaccinated",
}


def read_risks(text: str) -> tuple[str, ...] | None:
    """Risk factors as the SMS registration reads them (`13`, `K`), or in words (`có thai, bệnh nền`)."""
    if not text.strip():
        return ()
    digits = parse_risks(text)
    if digits is not None:
        return digits
    found: set[str] = set()
    for part in _SPLIT.split(normalize(text)):
        word = " ".join("".join(ch if ch.isalnum() else " " for ch in part).split())
        if not word:
            continue
        risk = RISK_WORDS.get(word) or (RISK_MENU.get(word) if len(word) == 1 else None)
        if risk is None and yes_no(word) is False:
            continue
        if risk is None:
            return None
        found.add(risk)
    order = list(RISK_MENU.values())
    return tuple(sorted(found, key=order.index))


def read_test_day(text: str, today: date) -> date | None:
    """The positive test day: `25/11/2026`, `25/11`, `2026-11-25`, `hom nay`; not in the future, at most 60 days ago."""
    token = unify(text).strip()
    iso = _ISO_DAY.fullmatch(token)
    if iso:
        token = f"{iso.group(3)}/{iso.group(2)}/{iso.group(1)}"
    return parse_day(token, today)
