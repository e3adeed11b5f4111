"""Keywords patients type, matched case-, spacing- and diacritic-insensitively."""

from __future__ import annotations

from enum import StrEnum

from dialogs.text import normalize


class Keyword(StrEnum):
    REGISTER = "register"
    CANCEL = "cancel"
    OPT_OUT = "opt_out"
    OPT_IN = "opt_in"
    HELP = "help"
    HISTORY = "history"
    GUIDANCE = "guidance"
    DECLARE = "declare"
    SOS = "sos"
    RESEND = "resend"
    TEST_NEGATIVE = "test_negative"
    TEST_POSITIVE = "test_positive"
    ENGLISH = "english"
    VIETNAMESE = "vietnamese"


# Phrases that start a message (the rest of the message is the keyword's argument).
LEADING: dict[str, Keyword] = {
    "DANG KY": Keyword.REGISTER,
    "DANGKY": Keyword.REGISTER,
    "DK": Keyword.REGISTER,
    "REG": Keyword.REGISTER,
    "REGISTER": Keyword.REGISTER,
    "TRO GIUP": Keyword.HELP,
    "TROGIUP": Keyword.HELP,
    "HELP": Keyword.HELP,
    "INFO": Keyword.HELP,
    "?": Keyword.HELP,
    "LICH SU": Keyword.HISTORY,
    "LS": Keyword.HISTORY,
    "HISTORY": Keyword.HISTORY,
    "HUONG DAN": Keyword.GUIDANCE,
    "HD": Keyword.GUIDANCE,
    "GUIDE": Keyword.GUIDANCE,
    "KHAI BAO": Keyword.DECLARE,
    "KB": Keyword.DECLARE,
    "CAP CUU": Keyword.SOS,
    "KHAN CAP": Keyword.SOS,
    "CUU": Keyword.SOS,
    "SOS": Keyword.SOS,
    "GUI LAI": Keyword.RESEND,
    "GUILAI": Keyword.RESEND,
    "RESEND": Keyword.RESEND,
}

# Whole-message keywords only: "dung" alone means stop, but "dung roi" means "that's right".
EXACT: dict[str, Keyword] = {
    "HUY DK": Keyword.OPT_OUT,
    "HUY DANG KY": Keyword.OPT_OUT,
    "DUNG": Keyword.OPT_OUT,
    "STOP": Keyword.OPT_OUT,
    "STOPALL": Keyword.OPT_OUT,
    "UNSUBSCRIBE": Keyword.OPT_OUT,
    "CANCEL": Keyword.OPT_OUT,
    "END": Keyword.OPT_OUT,
    "QUIT": Keyword.OPT_OUT,
    "REVOKE": Keyword.OPT_OUT,
    "OPTOUT": Keyword.OPT_OUT,
    "START": Keyword.OPT_IN,
    "BAT DAU": Keyword.OPT_IN,
    "UNSTOP": Keyword.OPT_IN,
    "HUY": Keyword.CANCEL,
    "AM": Keyword.TEST_NEGATIVE,
    "AM TINH": Keyword.TEST_NEGATIVE,
    "NEGATIVE": Keyword.TEST_NEGATIVE,
    "DUONG": Keyword.TEST_POSITIVE,
    "DUONG TINH": Keyword.TEST_POSITIVE,
    "POSITIVE": Keyword.TEST_POSITIVE,
    "EN": Keyword.ENGLISH,
    "ENGLISH": Keyword.ENGLISH,
    "VI": Keyword.VIETNAMESE,
    "TIENG VIET": Keyword.VIETNAMESE,
    "VN": Keyword.VIETNAMESE,
}

_LEADING_BY_LENGTH = sorted(LEADING.items(), key=lambda kv: -len(kv[0]))
_TRAILING_PUNCTUATION = ".!,;:"


def match(text: str) -> tuple[Keyword, str] | None:
    """The keyword a message starts with and the normalised rest, or None."""
    norm = normalize(text).rstrip(_TRAILING_PUNCTUATION).strip()
    if norm in EXACT:
        return EXACT[norm], ""
    if norm == "?":
        return Keyword.HELP, ""
    for phrase, keyword in _LEADING_BY_LENGTH:
        if norm == phrase:
            return keyword, ""
        if norm.startswith(phrase + " "):
            return keyword, norm[len(phrase) + 1 :].strip()
    return None


# Harmless phrases that contain an emergency word once diacritics are gone ("ngat mui": stuffy nose).
BENIGN = ("NGAT MUI",)


NEGATIONS = frozenset({"KHONG", "KO", "K", "KG", "NOT"})  # not "NO": Vietnamese "no" is "he/she"


def has_emergency_phrase(text: str, phrases: tuple[str, ...]) -> bool:
    """True when free text names an emergency sign ("kho tho"), unless the word before negates it."""
    norm = " ".join("".join(ch if ch.isalnum() else " " for ch in normalize(text)).split())
    for benign in BENIGN:
        norm = norm.replace(benign, " ")
    words = norm.split()
    for phrase in phrases:
        size = len(phrase.split())
        for at in range(len(words) - size + 1):
            if " ".join(words[at : at + size]) == phrase and (at == 0 or words[at - 1] not in NEGATIONS):
                return True
    return False
