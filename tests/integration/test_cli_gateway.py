"""`f0care gateway android webhooks [--register]` against the phone API stub, through the client library."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from f0care.cli import main
from tests.support.android_stub import PASSWORD, USERNAME, AndroidStub

ROOT = Path(__file__).resolve().parents[2]
PUBLIC = "https://f0.example.vn"
SECRET = "whsec-" + "9c" * 12
EVENTS = ["sms:received", "sms:sent", "sms:delivered", "sms:failed"]


@pytest.fixture
def stub() -> Iterator[AndroidStub]:
    with AndroidStub() as phone:
        yield phone


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    text = (ROOT / "config.yaml").read_text(encoding="utf-8")
    text = text.replace("  provider: console ", "  provider: android ", 1)
    text = text.replace('public_url: "http://127.0.0.1:5000"', f'public_url: "{PUBLIC}"', 1)
    assert "provider: android" in text
    assert PUBLIC in text
    path = tmp_path / "config.yaml"
    path.write_text(text.replace("sqlite:///f0care.db", f"sqlite:///{tmp_path / 'f0.db'}"), encoding="utf-8")
    return path


def run(config: Path, stub: AndroidStub, *args: str, password: str = PASSWORD, secret: str = SECRET) -> Result:
    env = {
        "DATABASE_URL": None,
        "F0CARE_CONFIG": None,
        "F0CARE_SECRET_KEY": "k" * 40,
        "ANDROID_SMS_URL": stub.url,
        "ANDROID_SMS_USERNAME": USERNAME,
        "ANDROID_SMS_PASSWORD": password,
        "ANDROID_SMS_WEBHOOK_SECRET": secret,
    }
    return CliRunner().invoke(main, ["--config", str(config), "gateway", "android", "webhooks", *args], env=env)


def test_listing_a_phone_without_webhooks_says_what_is_missing(config_file: Path, stub: AndroidStub) -> None:
    result = run(config_file, stub)
    assert result.exit_code == 0, result.output
    assert "no webhooks on the phone" in result.output
    assert "missing: sms:received, sms:sent, sms:delivered, sms:failed" in result.output


def test_register_sets_the_signing_key_and_points_the_four_events_at_this_service(
    config_file: Path, stub: AndroidStub
) -> None:
    for _ in range(2):  # registering again replaces, never duplicates
        result = run(config_file, stub, "--register")
        assert result.exit_code == 0, result.output
    assert stub.settings["webhooks"]["signing_key"] == SECRET
    assert sorted(hook["event"] for hook in stub.webhooks.values()) == sorted(EVENTS)
    assert {hook["url"] for hook in stub.webhooks.values()} == {f"{PUBLIC}/sms/android"}
    assert set(stub.webhooks) == {"f0care-sms-received", "f0care-sms-sent", "f0care-sms-delivered", "f0care-sms-failed"}
    listed = run(config_file, stub)
    assert listed.output.count("* sms:") == 4, listed.output
    assert "all four events reach this service" in listed.output
    assert SECRET not in listed.output


def test_a_wrong_password_is_reported_without_a_traceback(config_file: Path, stub: AndroidStub) -> None:
    result = run(config_file, stub, "--register", password="wrong")
    assert result.exit_code == 1, result.output
    assert "answered HTTP 401" in result.output
    assert "Traceback" not in result.output
    assert stub.webhooks == {}


def test_register_without_a_webhook_secret_names_the_key(config_file: Path, stub: AndroidStub) -> None:
    text = config_file.read_text(encoding="utf-8").replace("  provider: android ", "  provider: console ", 1)
    config_file.write_text(text, encoding="utf-8")
    result = run(config_file, stub, "--register", secret="")
    assert result.exit_code == 2, result.output
    assert "gateway.android.webhook_secret" in result.output
    assert stub.webhooks == {}


def test_the_simulator_talks_to_the_android_webhook_when_the_phone_is_the_gateway(
    config_file: Path, stub: AndroidStub
) -> None:
    env = {"DATABASE_URL": None, "F0CARE_CONFIG": None, "F0CARE_SECRET_KEY": "k" * 40, "ANDROID_SMS_URL": stub.url}
    env |= {"ANDROID_SMS_USERNAME": USERNAME, "ANDROID_SMS_PASSWORD": PASSWORD, "ANDROID_SMS_WEBHOOK_SECRET": SECRET}
    args = ["--config", str(config_file), "simulate", "--phone", "0987000401"]
    result = CliRunner().invoke(main, args, input="DK\n", env=env)
    assert result.exit_code == 0, result.output
    assert "< Dang ky theo doi F0 tai nha" in result.output
    assert "HTTP" not in result.output
    assert stub.messages == []  # the simulator's phone is the terminal, not the real one
