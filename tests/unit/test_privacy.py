"""Logs without health data, and defaults that are safe: masking, JSON lines, secret key and listening rules."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from f0care.config import ConfigError, load_config
from f0care.config.exposure import bind_host, listening_problems
from f0care.logs import JsonFormatter, MaskingFilter, formatter
from models.redact import mask

PHONE = "+84912345678"
SECRET = "s" * 32


def test_a_phone_keeps_only_its_last_three_digits_and_a_six_digit_code_is_blanked() -> None:
    assert mask(f"To {PHONE}: code 654321") == "To +84******678: code ******"
    assert mask("goi 0912345678.") == "goi 091****678."
    assert mask("From=%2B84912345678&Body=x") == "From=%2B84******678&Body=x"
    assert mask("DETAIL: Key (phone)=(+84912345678) already exists") == (
        "DETAIL: Key (phone)=(+84******678) already exists"
    )


def test_masking_leaves_message_sids_times_and_short_ids_alone() -> None:
    text = "SMS 1234567 sid SM0123456789abcdef0123456789abcdef at 2026-12-03 09:27:13,123"
    assert mask(text) == text


@pytest.fixture
def written() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    """A logger whose records go through the masking filter to a string."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.addFilter(MaskingFilter())
    logger = logging.getLogger("f0care.test_privacy")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield logger, out
    finally:
        logger.removeHandler(handler)
        logger.propagate = True


def test_the_log_filter_masks_the_message_its_arguments_and_the_exception_text(
    written: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, out = written
    try:
        raise RuntimeError(f"provider says: the 'To' number {PHONE} is not valid (code 123456)")
    except RuntimeError:
        logger.exception("send to %s failed, code %s", PHONE, "987654")
    text = out.getvalue()
    assert "912345" not in text
    assert "123456" not in text
    assert "987654" not in text
    assert "+84******678" in text
    assert "the 'To' number +84******678 is not valid" in text


def test_json_logs_are_one_valid_object_per_line_with_the_exception_masked() -> None:
    handler = logging.StreamHandler(out := io.StringIO())
    handler.addFilter(MaskingFilter())
    handler.setFormatter(formatter("json"))
    logger = logging.getLogger("f0care.test_privacy_json")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("one\nline for %s", PHONE)
        try:
            raise ValueError(PHONE)
        except ValueError:
            logger.exception("boom")
    finally:
        logger.removeHandler(handler)
    lines = out.getvalue().splitlines()
    items = [json.loads(line) for line in lines]
    assert len(lines) == 2
    assert isinstance(handler.formatter, JsonFormatter)
    assert items[0]["message"] == "one\nline for +84******678"
    assert items[0]["level"] == "WARNING"
    assert "ValueError: +84******678" in items[1]["exception"]
    assert PHONE not in out.getvalue()


def minimal(**sections: Any) -> dict[str, Any]:
    staff = [{"name": "BS Lan", "phone": "0912000001", "role": "doctor"}]
    clinic = {"id": "tyt-a", "name": "Tram A", "phone": "0220 3852 000", "areas": ["Tran Phu"], "staff": staff}
    return {"clinics": [clinic], **sections}


def twilio(**service: str) -> dict[str, Any]:
    gateway = {"provider": "twilio", "twilio": {"account_sid": "AC1", "auth_token": "t", "from_number": "+84912000100"}}
    return minimal(gateway=gateway, service={"secret_key": "${F0CARE_SECRET_KEY}", **service})


def load(tmp_path: Path, data: dict[str, Any], environ: dict[str, str] | None = None) -> Any:
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return load_config(path, environ or {})


def problem(tmp_path: Path, data: dict[str, Any], environ: dict[str, str] | None = None) -> str:
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, data, environ)
    return str(caught.value)


def test_real_sms_without_a_secret_key_is_refused_naming_the_key_and_the_variable(tmp_path: Path) -> None:
    message = problem(tmp_path, twilio())
    assert "service.secret_key: is unset, so the public development key is in use" in message
    assert "gateway.provider is twilio" in message
    assert "F0CARE_SECRET_KEY is not set" in message


def test_a_secret_key_shorter_than_32_characters_is_refused_with_real_sms(tmp_path: Path) -> None:
    message = problem(tmp_path, twilio(), {"F0CARE_SECRET_KEY": "s" * 31})
    assert "service.secret_key: has 31 characters, fewer than 32" in message
    assert load(tmp_path, twilio(), {"F0CARE_SECRET_KEY": SECRET}).service.secret_key == SECRET


def test_the_console_provider_on_loopback_still_runs_on_the_development_key(tmp_path: Path) -> None:
    config = load(tmp_path, minimal(service={"secret_key": "${F0CARE_SECRET_KEY}"}))
    assert config.service.secret_key
    assert listening_problems(config, "127.0.0.1") == []


@pytest.mark.parametrize("token", [" ", "short-token-15c", "          x          "])
def test_a_dev_auth_token_needs_16_non_blank_characters(tmp_path: Path, token: str) -> None:
    message = problem(tmp_path, minimal(gateway={"dev_auth_token": token}))
    assert "gateway.dev_auth_token: has" in message
    assert "fewer than 16" in message


def test_a_dev_auth_token_of_16_characters_is_accepted(tmp_path: Path) -> None:
    assert load(tmp_path, minimal(gateway={"dev_auth_token": "a" * 16})).gateway.dev_auth_token == "a" * 16


@pytest.mark.parametrize("url", ["https://f0.example.vn/?token=1", "https://f0.example.vn/#top"])
def test_a_public_url_with_a_query_string_or_fragment_is_reported(tmp_path: Path, url: str) -> None:
    message = problem(tmp_path, minimal(service={"public_url": url}))
    assert "service.public_url:" in message
    assert "query string" in message or "fragment" in message


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::", "f0.example.vn"])
def test_the_console_provider_beyond_loopback_is_refused_unless_insecure_dev(tmp_path: Path, host: str) -> None:
    config = load(tmp_path, minimal())
    refused = listening_problems(config, host)
    assert any("--insecure-dev" in line for line in refused)
    assert any(line.startswith("service.secret_key: is unset") for line in refused)
    secret = load(tmp_path, minimal(service={"secret_key": SECRET}))
    assert listening_problems(secret, host, insecure_dev=True) == []
    assert listening_problems(config, host, insecure_dev=True)  # the secret key is still needed


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "localhost", "::1", "[::1]"])
def test_loopback_addresses_may_serve_the_console_provider(tmp_path: Path, host: str) -> None:
    assert listening_problems(load(tmp_path, minimal()), host) == []


@pytest.mark.parametrize(
    ("bind", "host"),
    [("127.0.0.1:8000", "127.0.0.1"), ("0.0.0.0:80", "0.0.0.0"), ("[::1]:8000", "::1"), (":8000", "0.0.0.0")],
)
def test_the_host_of_a_gunicorn_bind(bind: str, host: str) -> None:
    assert bind_host(bind) == host
    assert bind_host("unix:/run/f0care.sock") == "127.0.0.1"
