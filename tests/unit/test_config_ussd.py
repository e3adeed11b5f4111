"""The `ussd:` section of config.yaml: off by default, and each mistake names its key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from f0care.config import load_config
from tests.unit.test_config import minimal, problem, write


def with_ussd(**ussd: Any) -> dict[str, Any]:
    return {**minimal(), "ussd": ussd}


def test_ussd_is_off_by_default_with_africas_talking(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, minimal()), {})
    assert (config.ussd.enabled, config.ussd.provider, config.ussd.token) == (False, "africastalking", "")


def test_an_enabled_menu_needs_a_long_token_and_the_error_names_the_key(tmp_path: Path) -> None:
    said = problem(tmp_path, with_ussd(enabled=True, token="short"))
    assert "ussd.token: has 5 non-blank characters, fewer than 16" in said


def test_a_service_code_must_be_written_as_dialled(tmp_path: Path) -> None:
    said = problem(tmp_path, with_ussd(service_code="384"))
    assert 'ussd.service_code: "384" is not a USSD code' in said


def test_only_africas_talking_is_a_provider(tmp_path: Path) -> None:
    assert "ussd.provider" in problem(tmp_path, with_ussd(provider="twilio"))


def test_an_unknown_ussd_key_is_named(tmp_path: Path) -> None:
    assert "ussd.tokn" in problem(tmp_path, with_ussd(tokn="x"))


def test_a_complete_ussd_section_loads(tmp_path: Path) -> None:
    ussd = {"enabled": True, "service_code": "*384*1234#", "token": "${F0CARE_USSD_TOKEN}"}
    config = load_config(write(tmp_path, with_ussd(**ussd)), {"F0CARE_USSD_TOKEN": "a" * 24})
    assert (config.ussd.enabled, config.ussd.service_code, config.ussd.token) == (True, "*384*1234#", "a" * 24)
