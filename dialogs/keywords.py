"""Keywords patients type, matched case-, spacing- and diacritic-insensitively."""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache

from dialogs.spelling import untone_all
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
    "DANG KI": Keyword.REGISTER,  # "Đăng kí": ki is a standard spelling of ky
    "DANGKI": Keyword.REGISTER,
    "DK": Keyword.REGISTER,  # also "ĐK"
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
    "KHAIBAO": Keyword.DECLARE,
    "KB": Keyword.DECLARE,
    "DECLARE": Keyword.DECLARE,
    "CAP CUU": Keyword.SOS,
    "KHAN CAP": Keyword.SOS,
    "CUU": Keyword.SOS,
    "SOS": Keyword.SOS,
    "GUI LAI": Keyword.RESEND,
    "GUILAI": Keyword.RESEND,
    "RESEND": Keyword.RESEND,
}

# Whole-message keywords only: "dung" alone means stop, but "dung roi" means "that's right".
# HUY and CANCEL end the dialog in progress and never opt out (Twilio lists CANCEL as an
# opt-out word; here it is the English for HUY). STOP/DUNG opt out; START/BAT DAU undo it.
EXACT: dict[str, Keyword] = {
    "HUY DK": Keyword.OPT_OUT,
    "HUY DANG KY": Keyword.OPT_OUT,
    "HUY DANG KI": Keyword.OPT_OUT,
    "DUNG": Keyword.OPT_OUT,
    "STOP": Keyword.OPT_OUT,
    "STOPALL": Keyword.OPT_OUT,
    "UNSUBSCRIBE": Keyword.OPT_OUT,
    "END": Keyword.OPT_OUT,
    "QUIT": Keyword.OPT_OUT,
    "REVOKE": Keyword.OPT_OUT,
    "OPTOUT": Keyword.OPT_OUT,
    "START": Keyword.OPT_IN,
    "BAT DAU": Keyword.OPT_IN,
    "UNSTOP": Keyword.OPT_IN,
    "HUY": Keyword.CANCEL,
    "HUY BO": Keyword.CANCEL,
    "CANCEL": Keyword.CANCEL,
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

# "HUY DK" in the middle of a registration cancels that registration: it opts out only outside one.
CANCELS_A_REGISTRATION = frozenset({"HUY DK", "HUY DANG KY", "HUY DANG KI"})

_LEADING_BY_LENGTH = sorted(LEADING.items(), key=lambda kv: -len(kv[0]))
_TRAILING_PUNCTUATION = ".!,;:"
# Every word of a keyword, for reading Telex/VNI leftovers ("dang kys", "huyr").
KEYWORD_WORDS = frozenset(word for phrase in (*LEADING, *EXACT) for word in phrase.split())


@lru_cache(maxsize=256)  # a message is matched twice or more (history wanted? then the step)
def match(text: str) -> tuple[Keyword, str] | None:
    """The keyword a message starts with and the normalised rest, or None."""
    norm = normalize(text).rstrip(_TRAILING_PUNCTUATION).strip()
    found = _match(norm)
    if found is None:
        untoned = " ".join(untone_all(norm.split(" "), KEYWORD_WORDS))
        found = _match(untoned) if untoned != norm else None
    return found


def _match(norm: str) -> tuple[Keyword, str] | None:
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


def exact_phrase(text: str) -> str:
    """The message as keywords are matched (folded, upper case, Telex/VNI leftovers removed)."""
    norm = normalize(text).rstrip(_TRAILING_PUNCTUATION).strip()
    return " ".join(untone_all(norm.split(" "), KEYWORD_WORDS))


# Whole-message keywords that are also Vietnamese given names: at "full name?" they are names.
NAME_LIKE = frozenset({"DUNG", "VI", "EN", "START", "AM", "DUONG", "HUONG DAN"})


def keyword_not_name(text: str) -> bool:
    """Whether a message to "full name?" is a keyword alone (STOP, RESEND, LS), not a name."""
    found = match(text)
    return found is not None and found[1] == "" and exact_phrase(text) not in NAME_LIKE


def in_dialog(keyword: Keyword, text: str, registering: bool) -> Keyword:
    """`HUY DK` during a registration cancels it; outside one it opts out."""
    if registering and keyword is Keyword.OPT_OUT and exact_phrase(text) in CANCELS_A_REGISTRATION:
        return Keyword.CANCEL
    return keyword


YES_WORDS = frozenset({"1", "C", "CO", "Y", "YES", "CO A", "DA CO"})
NO_WORDS = frozenset(
    {"0", "K", "KO", "KG", "KHG", "KHONG", "N", "NO", "NONE", "KHONG CO", "KO CO", "K CO", "KHONG CO GI", "KO CO GI"}
)


def yes_no(text: str) -> bool | None:
    """Yes or no as patients write it (`co`, `1`, `không có`, `ko`, `0`), else None."""
    words = " ".join("".join(ch if ch.isalnum() else " " for ch in normalize(text)).split())
    if words in YES_WORDS:
        return True
    if words in NO_WORDS:
        return False
    return None
