"""The household prompt and the reminder, decided without a database."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from dialogs.program import Program
from dialogs.rules.household import MorningPrompt, Reminder, still_due
from dialogs.rules.rows import Recipient
from dialogs.text import segments
from f0care.config import load_config, to_program
from tests.unit.rules_support import settings

ROOT = Path(__file__).resolve().parents[2]
DAY = date(2026, 11, 26)
PHONE = "+84987000003"


def person(n: int, name: str, phone: str = PHONE, language: str = "vi") -> Recipient:
    return Recipient(n, f"C{n}DEF", name, phone, language)


FAMILY = [person(1, "Le Van Cuong"), person(2, "Le Thi Dao"), person(3, "Le Van Em")]


def test_a_phone_of_one_patient_gets_the_plain_prompt_keyed_by_day_check_in_and_patient(program: Program) -> None:
    rule = MorningPrompt(DAY, "07:00", settings(program))
    (message,) = rule.messages([person(1, "Nguyen Van An")])
    assert message.key == "prompt:2026-11-26:07:00:1"
    assert message.covers == (message.key,)
    assert message.patient_id == 1
    assert message.kind == "prompt"
    assert "26/11" in message.text
    assert "98 18 86 37.5 0 0" in message.text
    assert segments(message.text) == 1


def test_a_household_of_three_gets_one_sms_naming_each_code(program: Program) -> None:
    rule = MorningPrompt(DAY, "07:00", settings(program))
    (message,) = rule.messages(FAMILY)
    assert all(p.code in message.text for p in FAMILY)
    assert message.patient_id is None
    assert message.covers == tuple(f"prompt:2026-11-26:07:00:{n}" for n in (1, 2, 3))
    assert segments(message.text) <= 2


def test_the_prompt_follows_the_phones_language(program: Program) -> None:
    rule = MorningPrompt(DAY, "07:00", settings(program))
    (vi,) = rule.messages([person(1, "Nguyen Van An")])
    (en,) = rule.messages([person(1, "Nguyen Van An", language="en")])
    assert vi.text != en.text
    assert "26/11" in en.text


def test_an_extra_check_in_has_keys_of_its_own(program: Program) -> None:
    rule = MorningPrompt(DAY, "15:00", settings(program))
    assert rule.key(FAMILY[0]) == "prompt:2026-11-26:15:00:1"


def test_the_reminder_to_a_household_names_the_codes_and_the_deadline_in_one_sms(tmp_path: Path) -> None:
    # The configured deadline reaches the text through the catalogue the config builds.
    shipped = (ROOT / "config.yaml").read_text(encoding="utf-8")
    (tmp_path / "config.yaml").write_text(shipped.replace('deadline: "10:00"', 'deadline: "10:30"'), encoding="utf-8")
    program = to_program(load_config(tmp_path / "config.yaml", environ={"DATABASE_URL": "sqlite://"}))
    (message,) = Reminder(DAY, settings(program, deadline="10:30")).messages(FAMILY)
    assert message.text.startswith("C1DEF C2DEF C3DEF: ")
    assert "10:30" in message.text
    assert message.key == "reminder:2026-11-26:1"
    assert len(message.covers) == 3
    assert message.patient_id is None


def test_a_household_whose_keys_are_all_new_gets_the_messages_built_before_the_claim(program: Program) -> None:
    rule = MorningPrompt(DAY, "07:00", settings(program))
    ready = [rule.messages(FAMILY)]
    fresh = {rule.key(p) for p in FAMILY}
    assert still_due(rule, [FAMILY], ready, fresh) == ready[0]


def test_a_patient_added_to_a_prompted_household_is_asked_alone_and_nobody_twice(program: Program) -> None:
    rule = MorningPrompt(DAY, "07:00", settings(program))
    grown = [*FAMILY, person(4, "Le Thi Gam")]
    (message,) = still_due(rule, [grown], [rule.messages(grown)], {rule.key(grown[3])})
    assert message.covers == (rule.key(grown[3]),)
    assert message.patient_id == 4
    assert not any(p.code in message.text for p in FAMILY)


def test_a_household_prompted_already_gets_nothing(program: Program) -> None:
    rule = Reminder(DAY, settings(program))
    assert still_due(rule, [FAMILY], [rule.messages(FAMILY)], set()) == []
