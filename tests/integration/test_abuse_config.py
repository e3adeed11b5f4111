"""`check-config` checks the keys of issue 16 that config.yaml ships, commented, with their defaults."""

from __future__ import annotations

from pathlib import Path

import pytest

from f0care.config import load_config, to_program
from tests.integration.test_cli import SHIPPED, assert_refused, broken, config_file, database, run

__all__ = ["config_file", "database"]  # the fixtures, shared with test_cli


def test_the_shipped_config_names_every_budget_with_its_default(config_file: Path) -> None:
    for key in ("allowed_countries: [VN]", "max_other_numbers_per_day: 3", "max_codes_per_hour: 200"):
        assert key in SHIPPED
    assert "repeat_minutes: 10" in SHIPPED
    assert "inbound_per_phone: {messages: 30, minutes: 10}" in SHIPPED
    budgets = to_program(load_config(config_file, environ={})).budgets
    assert budgets.registration.allowed_countries == ("VN",)
    assert budgets.alert_repeat_minutes == 10
    assert (budgets.inbound.per_phone_messages, budgets.inbound.per_phone_minutes) == (30, 10)


@pytest.mark.parametrize(
    ("old", "new", "named"),
    [
        ("allowed_countries: [VN]", "allowed_countries: [VN, XX]", "registration.allowed_countries"),
        ("max_other_numbers_per_day: 3", "max_other_numbers_per_day: -1", "registration.max_other_numbers_per_day"),
        ("max_codes_per_hour: 200", "max_codes_per_hour: 0", "registration.max_codes_per_hour"),
        ("repeat_minutes: 10", "repeat_minutes: 0", "alerts.repeat_minutes"),
        ("{messages: 30, minutes: 10}", "{messages: 0, minutes: 10}", "limits.inbound_per_phone.messages"),
        ("inbound_per_minute: 6000", "inbound_per_minute: lots", "limits.inbound_per_minute"),
    ],
)
def test_check_config_names_a_bad_budget(config_file: Path, old: str, new: str, named: str) -> None:
    assert_refused(run(broken(config_file, old, new), "check-config"), named)
