"""`gateway.provider: android`: the phone's keys, each mistake named at its key."""

from __future__ import annotations

from pathlib import Path

from f0care.config import load_config
from tests.unit.test_config import minimal, problem, write

SHIPPED = Path(__file__).resolve().parents[2] / "config.yaml"
PHONE = {
    "base_url": "http://192.168.1.20:8080/",
    "username": "sms",
    "password": "${ANDROID_SMS_PASSWORD}",
    "webhook_secret": "${ANDROID_SMS_WEBHOOK_SECRET}",
}
KEY = {"secret_key": "k" * 32}


def test_android_without_its_credentials_names_each_missing_key_and_variable(tmp_path: Path) -> None:
    data = minimal() | {"gateway": {"provider": "android", "android": PHONE}, "service": KEY}
    message = problem(tmp_path, data, {"ANDROID_SMS_PASSWORD": "pw"})
    assert "gateway.android.webhook_secret: is empty but required when gateway.provider is android" in message
    assert "ANDROID_SMS_WEBHOOK_SECRET is not set" in message
    assert "gateway.android.password" not in message
    assert "gateway.android.base_url" not in message


def test_android_with_a_base_url_that_is_no_web_address_names_the_key(tmp_path: Path) -> None:
    phone = PHONE | {"base_url": "192.168.1.20:8080"}
    data = minimal() | {"gateway": {"provider": "android", "android": phone}, "service": KEY}
    message = problem(tmp_path, data, {"ANDROID_SMS_PASSWORD": "pw", "ANDROID_SMS_WEBHOOK_SECRET": "s"})
    assert 'gateway.android.base_url: "192.168.1.20:8080" is not a web address' in message


def test_android_needs_a_real_secret_key_like_any_provider_that_sends_real_sms(tmp_path: Path) -> None:
    data = minimal() | {"gateway": {"provider": "android", "android": PHONE}}
    message = problem(tmp_path, data, {"ANDROID_SMS_PASSWORD": "pw", "ANDROID_SMS_WEBHOOK_SECRET": "s"})
    assert "service.secret_key" in message


def test_a_complete_android_gateway_loads_and_twilio_signs_nothing_without_its_token(tmp_path: Path) -> None:
    data = minimal() | {"gateway": {"provider": "android", "android": PHONE}, "service": KEY}
    environ = {"ANDROID_SMS_PASSWORD": "pw", "ANDROID_SMS_WEBHOOK_SECRET": "whsec"}
    config = load_config(write(tmp_path, data), environ)
    assert config.gateway.android.base_url == "http://192.168.1.20:8080"
    assert config.gateway.android.webhook_secret == "whsec"
    assert config.webhook_auth_token == ""  # /sms/twilio refuses every post without a Twilio account


def test_the_shipped_config_documents_the_android_keys_and_stays_on_the_console() -> None:
    config = load_config(SHIPPED, {})
    assert config.gateway.provider == "console"
    assert config.gateway.android.base_url == ""
    text = SHIPPED.read_text(encoding="utf-8")
    for key in ("base_url:", "username:", "password:", "webhook_secret:"):
        assert key in text.split("  android:", 1)[1].split("\n\n", 1)[0]
