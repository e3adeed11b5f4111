"""The administrators' config.yaml: what loads, and what each mistake says."""

from __future__ import annotations

import copy
import csv
import string
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dialogs.areas import area_key
from dialogs.program import Level, QuestionKind, Role
from f0care.config import Config, ConfigError, load_config, to_program
from f0care.config.fields import fold_ascii

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "config.yaml"
UNITS_CSV = Path("/work/shared/reference/hai-duong-units-2021.csv")


def minimal() -> dict[str, Any]:
    return {
        "clinics": [
            {
                "id": "tyt-a",
                "name": "Tram A",
                "phone": "0220 3852 000",
                "areas": ["Tran Phu"],
                "staff": [
                    {"name": "BS Lan", "phone": "0912000001", "role": "doctor"},
                    {"name": "YS Hoa", "phone": "0912000002", "role": "nurse"},
                ],
            },
            {
                "id": "tyt-b",
                "name": "Tram B",
                "phone": "0220 3852 001",
                "areas": ["Quang Trung"],
                "staff": [{"name": "BS Nam", "phone": "0912000003", "role": "supervisor"}],
            },
        ]
    }


def write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "config.yaml"
    text = data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True)
    path.write_text(text, encoding="utf-8")
    return path


def problem(tmp_path: Path, data: object, environ: dict[str, str] | None = None) -> str:
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, data), environ or {})
    return str(caught.value)


# --- what loads -------------------------------------------------------------


def test_the_shipped_config_loads_and_becomes_a_program_with_six_questions() -> None:
    program = to_program(load_config(SHIPPED, {}))
    assert [q.key for q in program.questions] == ["spo2", "breaths", "pulse", "temperature", "breathless", "signs"]
    assert program.name == "F0 Hai Duong"
    assert len(program.guidance) == 6
    lan = program.clinics[0].staff[0]
    assert (lan.name, lan.phone, lan.role, lan.clinic_id) == ("BS Lan", "+84912000001", Role.DOCTOR, "tyt-tran-phu")
    assert program.staff_by_phone["+84912000001"] is lan


def test_the_shipped_config_has_one_supervisor_in_each_clinic() -> None:
    for clinic in load_config(SHIPPED, {}).clinics:
        assert [s.role for s in clinic.staff].count("supervisor") == 1, clinic.id


def test_every_unit_in_the_reference_list_is_served_by_a_shipped_clinic() -> None:
    served = {area_key(area) for clinic in load_config(SHIPPED, {}).clinics for area in clinic.areas}
    with UNITS_CSV.open(encoding="utf-8") as rows:
        units = [row["name_ascii"] for row in csv.DictReader(rows)]
    assert [unit for unit in units if area_key(unit) not in served] == []


def test_the_shipped_questions_and_guidance_are_the_built_in_defaults(tmp_path: Path) -> None:
    shipped = load_config(SHIPPED, {})
    defaults = load_config(write(tmp_path, minimal()), {})
    assert defaults.questions == shipped.questions
    assert defaults.guidance == shipped.guidance


def test_the_default_questions_carry_the_ministrys_thresholds() -> None:
    questions = {q.key: q for q in to_program(load_config(SHIPPED, {})).questions}
    spo2 = questions["spo2"]
    assert (spo2.kind, spo2.minimum, spo2.maximum, spo2.none_words) == (
        QuestionKind.NUMBER,
        70,
        100,
        ("0", "K", "KO", "KHONG"),
    )
    assert [(r.level, r.op, r.value, r.when_none) for r in spo2.rules] == [
        (Level.RED, "<=", 96, False),
        (Level.YELLOW, None, None, True),
    ]
    adult = questions["breaths"].rules[0]
    assert (adult.op, adult.value, adult.min_age, adult.max_age) == (">=", 20, 12, None)
    assert [r.any_of for r in questions["signs"].rules] == [(1, 2, 3), (4,)]
    assert questions["signs"].allowed_digits == "01234"
    assert questions["breaths"].label == {"vi": "Nhịp thở/phút", "en": "Breaths/min"}


def test_every_guidance_text_fits_in_two_sms_without_diacritics() -> None:
    for topic in to_program(load_config(SHIPPED, {})).guidance:
        for text in topic.text.values():
            assert len(fold_ascii(text)) <= 280
            assert fold_ascii(text).isascii()


def test_a_variable_in_a_value_is_replaced_from_the_environment(tmp_path: Path) -> None:
    data = minimal() | {"service": {"name": "F0 ${CITY}", "secret_key": "${KEY}"}}
    config = load_config(write(tmp_path, data), {"CITY": "Hai Duong", "KEY": "s3cret"})
    assert config.service.name == "F0 Hai Duong"
    assert config.service.secret_key == "s3cret"


def test_an_unset_variable_becomes_empty_where_the_value_is_optional(tmp_path: Path) -> None:
    data = minimal() | {"gateway": {"twilio": {"auth_token": "${TWILIO_AUTH_TOKEN}"}}}
    config = load_config(write(tmp_path, data), {})
    assert config.gateway.twilio.auth_token == ""
    assert config.webhook_auth_token == "f0care-local-dev-token"


def test_an_unset_secret_key_falls_back_to_a_development_value(tmp_path: Path) -> None:
    data = minimal() | {"service": {"secret_key": "${F0CARE_SECRET_KEY}"}}
    assert load_config(write(tmp_path, data), {}).service.secret_key


def test_twilio_without_its_credentials_names_the_key_and_the_variable(tmp_path: Path) -> None:
    twilio = {"account_sid": "${TWILIO_ACCOUNT_SID}", "auth_token": "${TWILIO_AUTH_TOKEN}"}
    data = minimal() | {"gateway": {"provider": "twilio", "twilio": twilio}}
    message = problem(tmp_path, data, {"TWILIO_ACCOUNT_SID": "AC123"})
    assert "gateway.twilio.auth_token: is empty but required when gateway.provider is twilio" in message
    assert "TWILIO_AUTH_TOKEN is not set" in message
    assert "gateway.twilio.account_sid" not in message
    assert "gateway.twilio.from_number" in message


def test_twilio_validates_webhooks_with_its_auth_token(tmp_path: Path) -> None:
    twilio = {"account_sid": "AC1", "auth_token": "${TOKEN}", "from_number": "+84 912 000 100"}
    data = minimal() | {"gateway": {"provider": "twilio", "twilio": twilio}, "service": {"secret_key": "k" * 32}}
    config = load_config(write(tmp_path, data), {"TOKEN": "tw-token"})
    assert config.webhook_auth_token == "tw-token"
    assert config.gateway.twilio.from_number == "+84912000100"


def test_database_url_in_the_environment_overrides_the_file(tmp_path: Path) -> None:
    data = minimal() | {"database": {"url": "sqlite:///file.db"}}
    environ = {"DATABASE_URL": "postgresql://f0@db/f0care"}
    assert load_config(write(tmp_path, data), environ).database.url == "postgresql://f0@db/f0care"
    assert load_config(write(tmp_path, data), {}).database.url == "sqlite:///file.db"


def test_the_file_is_found_through_f0care_config_or_in_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, minimal())
    assert load_config(None, {"F0CARE_CONFIG": str(path)}).clinics[0].id == "tyt-a"
    monkeypatch.chdir(tmp_path)
    assert load_config(None, {}).clinics[0].id == "tyt-a"


def test_unquoted_times_and_phones_are_read_as_written(tmp_path: Path) -> None:
    text = yaml.safe_dump(minimal()) + "schedule:\n  morning_prompt: 07:00\n  deadline: 10:30\n"
    text = text.replace("'0912000001'", "0912000001")
    config = load_config(write(tmp_path, text), {})
    assert (config.schedule.morning_prompt, config.schedule.deadline) == ("07:00", "10:30")
    assert config.clinics[0].staff[0].phone == "+84912000001"


def test_an_empty_section_means_the_defaults(tmp_path: Path) -> None:
    text = yaml.safe_dump(minimal()) + "questions:\nguidance:\nschedule:\n"
    config = load_config(write(tmp_path, text), {})
    assert len(config.questions) == 6
    assert config.schedule.deadline == "10:00"


def test_the_program_gets_the_schedule_it_needs(tmp_path: Path) -> None:
    data = minimal() | {"schedule": {"monitoring_days": 10, "deadline": "11:00", "reminder": "9:30"}}
    program = to_program(load_config(write(tmp_path, data), {}))
    assert (program.monitoring_days, program.deadline) == (10, "11:00")


# --- what each mistake says ---------------------------------------------------


def changed(*edits: tuple[str, object]) -> dict[str, Any]:
    """minimal() with `a.b[0].c`-style keys set (or deleted, with value DELETE)."""
    data = minimal()
    for dotted, value in edits:
        parts = [int(p) if p.isdigit() else p for p in dotted.replace("[", ".").replace("]", "").split(".")]
        target: Any = data
        for part in parts[:-1]:
            if isinstance(part, str) and part not in target:
                target[part] = {}
            target = target[part]
        if value is DELETE:
            del target[parts[-1]]
        else:
            target[parts[-1]] = copy.deepcopy(value)
    return data


DELETE = object()
DEFAULT_SIX = list(yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))["questions"])

MISTAKES = {
    "a landline given as a staff mobile": (
        changed(("clinics[0].staff[1].phone", "0220 3852 000")),
        'clinics[0].staff[1].phone: "0220 3852 000" is not a mobile number',
    ),
    "a phone number that does not exist": (
        changed(("clinics[1].phone", "12345")),
        'clinics[1].phone: "12345" is not a valid phone number',
    ),
    "a mistyped key": (
        changed(("clinics[0].staf", []), ("clinics[0].staff", DELETE)),
        'clinics[0].staf: unknown key; did you mean "staff"?',
    ),
    "a mistyped section": (
        changed(("shedule", {"deadline": "10:00"})),
        'shedule: unknown key; did you mean "schedule"?',
    ),
    "a value of the wrong type": (
        changed(("gateway.max_per_second", "fast")),
        'gateway.max_per_second: should be a valid number, unable to parse string as a number, got "fast"',
    ),
    "a rate that is not above zero": (
        changed(("gateway.max_per_second", 0)),
        "gateway.max_per_second: should be greater than 0",
    ),
    "an unknown gateway provider": (
        changed(("gateway.provider", "viettel")),
        "gateway.provider: should be 'console' or 'twilio', got \"viettel\"",
    ),
    "a clinic written as a plain value": (
        changed(("clinics[1]", "tyt-b")),
        'clinics[1]: should be keys with values (id, name, phone, areas, district, staff), got "tyt-b"',
    ),
    "a missing required key": (
        changed(("clinics[1].name", DELETE)),
        "clinics[1].name: is missing; add it",
    ),
    "no clinics at all": (
        changed(("clinics", [])),
        "clinics: is empty; add at least one entry",
    ),
    "two clinics with the same id": (
        changed(("clinics[1].id", "tyt-a")),
        'clinics[1].id: "tyt-a" is already the id of clinics[0]',
    ),
    "a clinic id with spaces": (
        changed(("clinics[1].id", "Tram B")),
        'clinics[1].id: "Tram B" is not a clinic id',
    ),
    "two staff members with one phone": (
        changed(("clinics[1].staff[0].phone", "+84 912 000 001")),
        "clinics[1].staff[0].phone: +84912000001 is already the phone of BS Lan (clinics[0].staff[0])",
    ),
    "the same area in two clinics": (
        changed(("clinics[1].areas", ["Quang Trung", "Trần Phú"])),
        'clinics[1].areas[1]: "Trần Phú" is already served by clinic tyt-a',
    ),
    "an unknown staff role": (
        changed(("clinics[0].staff[0].role", "boss")),
        "clinics[0].staff[0].role: should be 'doctor', 'nurse', 'supervisor' or 'district'",
    ),
    "an unknown time zone": (
        changed(("service.timezone", "Asia/Hai_Duong")),
        'service.timezone: "Asia/Hai_Duong" is not a known time zone',
    ),
    "an unknown language": (
        changed(("service.language", "fr")),
        "service.language: should be 'vi' or 'en'",
    ),
    "an unknown country": (
        changed(("service.country", "XX")),
        'service.country: "XX" is not a country code',
    ),
    "a time that does not exist": (
        changed(("schedule.deadline", "25:00")),
        'schedule.deadline: "25:00" is not a time; write a 24-hour "HH:MM" time',
    ),
    "a time in another format": (
        changed(("schedule.quiet_hours", ["21:00", "6h"])),
        'schedule.quiet_hours[1]: "6h" is not a time',
    ),
    "a reminder after the deadline": (
        changed(("schedule.reminder", "11:00")),
        "schedule.reminder: 11:00 must fall after morning_prompt 07:00 and before deadline 10:00",
    ),
    "an unknown on-call phone": (
        changed(("escalation.oncall", [{"name": "Truc", "phone": "0220 3852 000"}])),
        'escalation.oncall[0].phone: "0220 3852 000" is not a mobile number',
    ),
    "a rule with an unknown op": (
        changed(("questions", DEFAULT_SIX), ("questions[0].rules[0].op", "=>")),
        "questions[0].rules[0].op: should be '>=', '>', '<=', '<' or '==', got \"=>\"",
    ),
    "a rule with an op but no value": (
        changed(("questions", DEFAULT_SIX), ("questions[2].rules[1].value", DELETE)),
        'questions[2].rules[1].value: is missing; op "<" compares the answer with a value',
    ),
    "a rule with two conditions": (
        changed(("questions", DEFAULT_SIX), ("questions[0].rules[0].when_none", True)),
        "questions[0].rules[0]: a rule needs exactly one condition",
    ),
    "a rule with no condition": (
        changed(("questions", DEFAULT_SIX), ("questions[1].rules[0]", {"level": "red"})),
        "questions[1].rules[0]: a rule needs exactly one condition",
    ),
    "a digits rule written with op": (
        changed(("questions", DEFAULT_SIX), ("questions[5].rules[0]", {"level": "red", "op": ">=", "value": 1})),
        "questions[5].rules[0].op: digits questions use any_of",
    ),
    "a digit outside the menu": (
        changed(("questions", DEFAULT_SIX), ("questions[5].rules[1].any_of", [7])),
        'questions[5].rules[1].any_of: [7] are not in allowed_digits "01234"',
    ),
    "an unknown triage level": (
        changed(("questions", DEFAULT_SIX), ("questions[3].rules[1].level", "orange")),
        "questions[3].rules[1].level: should be 'red' or 'yellow'",
    ),
    "two questions with one key": (
        changed(("questions", DEFAULT_SIX), ("questions[2].key", "spo2")),
        'questions[2].key: "spo2" is the key of an earlier question',
    ),
    "no questions": (
        changed(("questions", [])),
        "questions: is empty; add at least one entry",
    ),
    "a label in a language the service does not speak": (
        changed(("questions", DEFAULT_SIX), ("questions[0].label", {"vi": "SpO2", "fr": "SpO2"})),
        "questions[0].label.fr: unknown key",
    ),
    "a label with no text at all": (
        changed(("questions", DEFAULT_SIX), ("questions[0].label", {})),
        "questions[0].label.vi: is missing; add it",
    ),
    "a guidance text too long for two SMS": (
        changed(("guidance", [{"title": {"vi": "A", "en": "A"}, "text": {"vi": "Ă" * 300, "en": "ok"}}])),
        "guidance[0].text.vi: is 300 characters; shorten it to 280",
    ),
}


@pytest.mark.parametrize(("data", "expected"), MISTAKES.values(), ids=MISTAKES.keys())
def test_a_mistake_is_reported_at_its_key_path(tmp_path: Path, data: dict[str, Any], expected: str) -> None:
    assert expected in problem(tmp_path, data)


def test_every_problem_gets_its_own_line(tmp_path: Path) -> None:
    data = changed(("service.timezone", "Mars/Base"), ("clinics[0].staff[0].phone", "123"), ("databse", {}))
    lines = problem(tmp_path, data).splitlines()
    assert len(lines) == 4
    assert "3 problems" in lines[0]
    assert sorted(line.split(":")[0].strip() for line in lines[1:]) == [
        "clinics[0].staff[0].phone",
        "databse",
        "service.timezone",
    ]


def test_a_missing_file_says_how_to_provide_one(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"config file not found; copy the shipped config\.yaml"):
        load_config(tmp_path / "nope.yaml", {})


def test_an_unreadable_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read the config file"):
        load_config(tmp_path, {})
    (tmp_path / "latin1.yaml").write_bytes("name: Hải Dương".encode("cp1258", errors="replace") + b"\xff")
    with pytest.raises(ConfigError, match="UTF-8"):
        load_config(tmp_path / "latin1.yaml", {})


def test_a_yaml_syntax_error_gives_the_line(tmp_path: Path) -> None:
    text = "service:\n  name: F0\nclinics:\n  - id: [tyt-a\n"
    assert "YAML syntax error at line 5" in problem(tmp_path, text)


def test_a_key_written_twice_is_an_error(tmp_path: Path) -> None:
    text = "clinics: []\nservice:\n  name: A\nclinics: []\n"
    assert 'line 4, column 1: the key "clinics" is written twice' in problem(tmp_path, text)


def test_a_file_that_is_not_a_mapping_is_an_error(tmp_path: Path) -> None:
    assert "expected keys such as service: and clinics: at the top" in problem(tmp_path, "- a\n- b\n")


def test_an_alias_that_refers_to_itself_is_an_error(tmp_path: Path) -> None:
    assert "refers to itself" in problem(tmp_path, "clinics: &loop [*loop]\n")


# --- whatever the file holds, a Config or a ConfigError ----------------------

YAMLISH = st.lists(
    st.one_of(
        st.sampled_from(["service:", "clinics:", "questions:", "gateway:", "  - ", "  ", "\n", ": ", "- "]),
        st.sampled_from(["id: a", "phone: 0912000001", "rules:", "op: =>", "&a", "*a", "!!int x", "{", "[", "'"]),
        st.text(alphabet=string.printable, max_size=12),
    ),
    max_size=30,
).map("".join)


def outcome(load: Callable[[], Config]) -> str:
    """What loading gave: a config, or a config error with its explanation (anything else raises)."""
    try:
        return type(load()).__name__
    except ConfigError as error:
        return str(error)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.one_of(YAMLISH, st.text(max_size=200)))
def test_any_text_gives_a_config_or_a_config_error(tmp_path: Path, text: str) -> None:
    assert outcome(lambda: load_config(write(tmp_path, text), {}))


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
PLACES = [
    "service",
    "service.timezone",
    "service.country",
    "gateway",
    "gateway.twilio",
    "schedule",
    "schedule.quiet_hours",
    "escalation.oncall",
    "clinics[0]",
    "clinics[0].staff[0].phone",
    "clinics[1].areas",
    "questions",
    "guidance",
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(place=st.sampled_from(PLACES), value=JSONISH)
def test_any_value_anywhere_gives_a_config_or_a_config_error(tmp_path: Path, place: str, value: object) -> None:
    assert outcome(lambda: load_config(write(tmp_path, changed((place, value))), {}))


# --- texts ------------------------------------------------------------------------------------------


def test_a_text_override_is_loaded_and_reaches_the_program(tmp_path: Path) -> None:
    data = {**minimal(), "texts": {"en": {"cancelled": "Stopped. DK: register"}}}
    program = to_program(load_config(write(tmp_path, data), {}))
    assert program.texts("en")("cancelled") == "Stopped. DK: register"
    assert program.texts("vi")("cancelled").startswith("Da huy")


def test_a_bad_text_override_is_a_config_error_naming_the_key(tmp_path: Path) -> None:
    data = {**minimal(), "texts": {"vi": {"daily_prompt": "{code}Hom nay {date}: {foo}"}}}
    message = problem(tmp_path, data)
    assert "texts.vi.daily_prompt: unknown placeholder {foo}; known: code, date, " in message


def test_texts_in_an_unknown_language_are_refused(tmp_path: Path) -> None:
    assert "texts.fr: unknown key" in problem(tmp_path, {**minimal(), "texts": {"fr": {"cancelled": "Annulé"}}})


def test_a_question_example_must_be_an_answer_to_it(tmp_path: Path) -> None:
    data = minimal()
    data["questions"] = [
        {"key": "spo2", "kind": "number", "label": {"vi": "SpO2", "en": "SpO2"}, "min": 70, "max": 100, "example": 120}
    ]
    message = problem(tmp_path, data)
    assert 'questions[0].example: "120" is not an answer to this question; write a number between 70 and 100' in message


def test_a_default_question_listed_without_an_example_keeps_its_default_example(tmp_path: Path) -> None:
    data = minimal()
    data["questions"] = [
        {"key": "spo2", "kind": "number", "label": {"vi": "SpO2", "en": "SpO2"}, "min": 70, "max": 100}
    ]
    program = to_program(load_config(write(tmp_path, data), {}))
    assert program.questions[0].example == "98"
    assert "VD: 98." in program.texts("vi")("daily_prompt", code="", date="25/11")
