"""config.yaml as administrators write it: one language for a text, one area normalisation for all."""

from __future__ import annotations

from pathlib import Path

import pytest

from f0care.config import load_config, to_program
from tests.unit.test_config import DEFAULT_SIX, changed, problem, write

TITLE = "Ha sot tai nha"
TEXT = "Uong paracetamol 10-15 mg/kg moi 4-6 gio khi sot tren 38.5 do; uong nhieu nuoc."


def test_a_guidance_topic_written_as_plain_text_serves_both_languages(tmp_path: Path) -> None:
    program = to_program(load_config(write(tmp_path, changed(("guidance", [{"title": TITLE, "text": TEXT}]))), {}))
    (topic,) = program.guidance
    assert topic.title == {"vi": TITLE, "en": TITLE}
    assert topic.text == {"vi": TEXT, "en": TEXT}


def test_a_question_label_written_once_is_used_in_english_until_translated(tmp_path: Path) -> None:
    questions = [{**DEFAULT_SIX[0], "label": "Chi so SpO2"}, *DEFAULT_SIX[1:]]
    program = to_program(load_config(write(tmp_path, changed(("questions", questions))), {}))
    assert program.questions[0].label == {"vi": "Chi so SpO2", "en": "Chi so SpO2"}


def test_a_text_given_in_one_language_fills_the_other(tmp_path: Path) -> None:
    guidance = [{"title": {"vi": TITLE}, "text": {"en": "Drink water", "vi": TEXT}}]
    program = to_program(load_config(write(tmp_path, changed(("guidance", guidance))), {}))
    (topic,) = program.guidance
    assert topic.title == {"vi": TITLE, "en": TITLE}
    assert topic.text == {"vi": TEXT, "en": "Drink water"}


def test_a_plain_guidance_text_too_long_is_reported_once_at_its_key(tmp_path: Path) -> None:
    message = problem(tmp_path, changed(("guidance", [{"title": TITLE, "text": "A" * 300}])))
    assert "guidance[0].text: is 300 characters; shorten it to 280" in message
    assert "text.vi" not in message
    assert "text.en" not in message


def test_an_empty_plain_text_is_still_a_mistake(tmp_path: Path) -> None:
    message = problem(tmp_path, changed(("guidance", [{"title": "", "text": TEXT}])))
    assert "guidance[0].title" in message


@pytest.mark.parametrize("spelling", ["Trần Phú", "Phuong Tran Phu", "P. Tran Phu", "phường trần phú", "TRAN  PHU"])
def test_two_clinics_claiming_one_area_once_normalised_is_an_error_naming_both(tmp_path: Path, spelling: str) -> None:
    message = problem(tmp_path, changed(("clinics[1].areas", ["Quang Trung", spelling])))
    assert f'clinics[1].areas[1]: "{spelling}" is already served by clinic tyt-a (as "Tran Phu"' in message
    assert "clinic tyt-b cannot claim it too" in message


def test_one_clinic_may_list_several_spellings_of_its_own_area(tmp_path: Path) -> None:
    data = changed(("clinics[0].areas", ["Tran Phu", "Phuong Tran Phu", "P. Trần Phú"]))
    assert load_config(write(tmp_path, data), {}).clinics[0].areas[1] == "Phuong Tran Phu"


def test_every_area_check_config_accepts_is_routed_to_its_clinic(tmp_path: Path) -> None:
    data = changed(
        ("clinics[0].areas", ["Tran Phu", "Phuong Tran Phu", "Xa An Thuong"]),
        ("clinics[1].areas", ["Quang Trung", "Thi tran Dong Anh", "Ward 12"]),
    )
    program = to_program(load_config(write(tmp_path, data), {}))
    for clinic in program.clinics:
        for area in clinic.areas:
            assert program.area_index.match(area).clinic_id == clinic.id, area
