"""`f0care check-config` on config.yaml as administrators write it (issue 11 point 9)."""

from __future__ import annotations

from pathlib import Path

from tests.integration.test_cli import assert_refused, broken, config_file, database, run

__all__ = ["config_file", "database"]  # the fixtures, shared with test_cli

FIRST_TOPIC = '  - title: {vi: "Khi nào cần gọi ngay", en: "When to call for help"}'


def test_check_config_accepts_a_guidance_title_written_as_plain_text(config_file: Path) -> None:
    path = broken(config_file, FIRST_TOPIC, '  - title: "Ha sot tai nha"')
    result = run(path, "check-config")
    assert result.exit_code == 0, result.output


def test_check_config_refuses_an_area_two_clinics_claim_once_normalised(config_file: Path) -> None:
    # "Phường Trần Phú" is Tran Phu, already served by tyt-tran-phu: routing could send it nowhere.
    path = broken(config_file, '"Quang Trung", "Phuong Quang Trung"', '"Quang Trung", "Phường Trần Phú"')
    assert_refused(run(path, "check-config"), "tyt-tran-phu", "tyt-quang-trung", '"Phường Trần Phú"')
