"""The `f0care` command as an administrator uses it, on a copy of the shipped config and a temp database."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from f0care.cli import main
from f0care.config import load_config

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = (ROOT / "config.yaml").read_text(encoding="utf-8")
SHIPPED_DB = 'url: "sqlite:///f0care.db"'
REGISTRATION = "DK\nNguyen Van An\n1980\nTran Phu\nNAY\nhom nay\nK\nK\n"
CLEAN_ENV = {"DATABASE_URL": None, "F0CARE_CONFIG": None}


@pytest.fixture
def database(tmp_path: Path) -> Path:
    return tmp_path / "data" / "f0care.db"


@pytest.fixture
def config_file(tmp_path: Path, database: Path) -> Path:
    assert SHIPPED_DB in SHIPPED
    database.parent.mkdir()
    path = tmp_path / "config.yaml"
    path.write_text(SHIPPED.replace(SHIPPED_DB, f'url: "sqlite:///{database}"'), encoding="utf-8")
    return path


def run(config: Path, *args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(main, ["--config", str(config), *args], input=input, env=CLEAN_ENV)


def broken(config_file: Path, old: str, new: str) -> Path:
    text = config_file.read_text(encoding="utf-8")
    assert old in text
    config_file.write_text(text.replace(old, new, 1), encoding="utf-8")
    return config_file


def assert_refused(result: Result, *named: str) -> None:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)
    for text in named:
        assert text in result.output, result.output


# --- check-config ----------------------------------------------------------------------------------


def test_check_config_accepts_the_shipped_demo_and_summarises_it(config_file: Path) -> None:
    result = run(config_file, "check-config")
    assert result.exit_code == 0, result.output
    config = load_config(config_file, environ={})
    staff = sum(len(c.staff) for c in config.clinics)
    assert "config OK" in result.output
    assert f"{len(config.clinics)} clinics" in result.output
    assert f"{staff} staff" in result.output
    assert "gateway console" in result.output
    assert "sqlite" in result.output


def test_check_config_reports_bad_yaml_with_its_line_and_exit_2(config_file: Path) -> None:
    path = broken(config_file, "  name: F0 Hai Duong", '  name: "F0 Hai Duong')
    assert_refused(run(path, "check-config"), "YAML", "line ")


def test_check_config_names_an_unknown_key_and_suggests_the_right_one(config_file: Path) -> None:
    path = broken(config_file, "  public_url:", "  publc_url:")
    assert_refused(run(path, "check-config"), "service.publc_url", "public_url")


def test_check_config_names_a_landline_staff_phone(config_file: Path) -> None:
    path = broken(config_file, '{name: "BS Lan", phone: "0912000001"', '{name: "BS Lan", phone: "0220 3852 111"')
    result = run(path, "check-config")
    assert_refused(result, "clinics[0].staff[0].phone")
    assert re.search(r"mobile|landline", result.output, re.IGNORECASE), result.output


def test_a_missing_config_file_is_explained_with_exit_2(tmp_path: Path) -> None:
    assert_refused(run(tmp_path / "nowhere.yaml", "check-config"), "not found")


# --- db upgrade ------------------------------------------------------------------------------------


def test_db_upgrade_creates_the_database_file_with_its_tables(config_file: Path, database: Path) -> None:
    assert not database.exists()
    result = run(config_file, "db", "upgrade")
    assert result.exit_code == 0, result.output
    assert database.exists()
    with sqlite3.connect(database) as conn:
        tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    conn.close()
    assert {"contact", "patient", "declaration", "alert", "message"} <= tables
    assert run(config_file, "db", "upgrade").exit_code == 0  # again: nothing to do, no error


# --- simulate --------------------------------------------------------------------------------------


def test_simulate_sends_piped_lines_and_prints_the_replies(config_file: Path) -> None:
    result = run(config_file, "simulate", "--phone", "0912345678", input="DK\nNguyen Van An\n")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "> DK" in lines
    assert "> Nguyen Van An" in lines
    assert any(line.startswith("< ") and "1/7" in line for line in lines)
    assert any(line.startswith("< ") and "2/7" in line for line in lines)


def test_simulate_refuses_a_number_that_is_not_a_phone(config_file: Path) -> None:
    result = run(config_file, "simulate", "--phone", "abc", input="DK\n")
    assert_refused(result, '"abc" is not a phone number', "0912345678")


# --- outbox ----------------------------------------------------------------------------------------


def registered(config_file: Path) -> str:
    """A registration through the simulator, to the clinic's queue; returns the code that was sent."""
    first = run(config_file, "simulate", "--phone", "0912345678", input=REGISTRATION)
    assert first.exit_code == 0, first.output
    found = re.search(r"^< .*\b(\d{6})\b", first.output, re.MULTILINE)
    assert found, first.output  # the OTP SMS to the simulated phone is printed
    second = run(config_file, "simulate", "--phone", "0912345678", input=found.group(1) + "\n")
    assert second.exit_code == 0, second.output
    assert "Tram Y te phuong Tran Phu" in second.output, second.output
    return found.group(1)


def test_outbox_json_prints_one_object_per_line(config_file: Path) -> None:
    registered(config_file)
    result = run(config_file, "outbox", "--json")
    assert result.exit_code == 0, result.output
    items = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    assert items
    assert all({"id", "to", "kind", "status", "created_at", "body"} <= item.keys() for item in items)
    kinds = {item["kind"] for item in items}
    assert {"otp", "staff"} <= kinds
    assert {item["to"] for item in items if item["kind"] == "staff"} == {"+84912000001", "+84912000002", "+84912000003"}


def test_outbox_to_shows_only_that_number(config_file: Path) -> None:
    registered(config_file)
    result = run(config_file, "outbox", "--json", "--to", "0912 000 001")
    assert result.exit_code == 0, result.output
    items = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    assert [item["kind"] for item in items] == ["staff"]
    assert all(item["to"] == "+84912000001" for item in items)
    assert "DUYET" in items[0]["body"]


def test_outbox_to_refuses_a_number_that_is_not_a_phone(config_file: Path) -> None:
    assert_refused(run(config_file, "outbox", "--to", "abc"), '"abc" is not a phone number')


def test_the_one_time_code_is_redacted_in_the_outbox(config_file: Path) -> None:
    code = registered(config_file)
    for args in (("outbox",), ("outbox", "--json"), ("outbox", "--to", "0912345678")):
        result = run(config_file, *args)
        assert result.exit_code == 0, result.output
        assert code not in result.output
    otp_line = next(line for line in run(config_file, "outbox").output.splitlines() if "[otp/" in line)
    assert "******" in otp_line


# --- texts -----------------------------------------------------------------------------------------


def test_texts_lists_every_key_with_the_text_in_force_in_one_language(config_file: Path) -> None:
    broken(config_file, "  en: {}", '  en: {cancelled: "Stopped. Send DK to register"}')
    result = run(config_file, "texts", "--lang", "en")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "en:"
    assert '  reg_name: "F0 home care registration (send CANCEL to stop). 1/7: Patient\'s full name?"' in lines
    assert lines[lines.index('  cancelled: "Stopped. Send DK to register"') - 1] == "  # from config.yaml"
    assert "vi:" not in lines
    assert any(line.startswith("  daily_prompt: ") and "{questions}" in line for line in lines)


def test_texts_lists_both_languages_by_default(config_file: Path) -> None:
    result = run(config_file, "texts")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("vi:\n  reg_name: ")
    assert "\nen:\n  reg_name: " in result.output


def test_texts_refuses_a_bad_override_with_exit_2(config_file: Path) -> None:
    broken(config_file, "  vi: {}", '  vi: {reg_nme: "Ho ten?"}')
    assert_refused(run(config_file, "texts"), 'texts.vi.reg_nme: unknown text key; did you mean "reg_name"?')
