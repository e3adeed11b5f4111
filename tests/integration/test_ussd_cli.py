"""`f0care simulate --ussd`: the menu in the terminal, through the real endpoint."""

from __future__ import annotations

from pathlib import Path

from tests.integration.test_cli import assert_refused, config_file, database, run

__all__ = ["config_file", "database"]  # fixtures of the CLI tests, used here too

REGISTRATION = "1\nNguyen Van An\n1980\ntran phu\n1\nhom nay\n2\n4\n"


def test_simulate_ussd_shows_each_screen_and_dials_again_after_the_end(config_file: Path) -> None:
    result = run(config_file, "simulate", "--ussd", "--phone", "0977000111", input=REGISTRATION + "9\n")
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.startswith("CON F0 tai nha\n1 Dang ky theo doi\n3 Huong dan\n9 Cap cuu\n")
    assert "> Nguyen Van An\nCON 2/7: Ngay sinh" in out
    assert "END Da xac nhan. Tram Y te phuong Tran Phu" in out
    assert "(session ended; dialling *384*1234# again)\nCON F0 tai nha\n1 Khai bao hom nay" in out
    assert out.index("END Da bao tram y te, se goi ngay.") > out.index("> 9\n")  # log lines may come between


def test_simulate_ussd_prints_the_sms_the_phone_gets(config_file: Path) -> None:
    result = run(config_file, "simulate", "--ussd", "--phone", "0977000111", input="3\n2\n")
    assert "< SMS: Cham soc khi sot: " in result.output
    assert "(du noi dung qua SMS)" in result.output


def test_simulate_ussd_refuses_a_number_that_is_not_a_phone(config_file: Path) -> None:
    assert_refused(run(config_file, "simulate", "--ussd", "--phone", "abc", input="1\n"), '"abc" is not a phone number')
