"""A text overridden in config.yaml `texts:` reaches the SMS once the service is started with it."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from f0care.app import create_app
from f0care.config import ConfigError, load_config
from f0care.runtime import build_runtime
from tests.support.fakes import Clock, RecordingSender
from tests.support.phone import Phone

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = (ROOT / "config.yaml").read_text(encoding="utf-8")
NO_OVERRIDES = "texts:\n  vi: {}\n"
STRANGER = "+84977000111"


def config_with(tmp_path: Path, overrides: str, db: Engine) -> Path:
    assert NO_OVERRIDES in SHIPPED
    path = tmp_path / "config.yaml"
    path.write_text(SHIPPED.replace(NO_OVERRIDES, f"texts:\n  vi: {overrides}\n"), encoding="utf-8")
    return path


def url(db: Engine) -> str:
    return db.url.render_as_string(hide_password=False)


def test_an_override_reaches_the_sms_reply_through_the_webhook(
    tmp_path: Path, db: Engine, sender: RecordingSender, clock: Clock
) -> None:
    overrides = '{help_unregistered: "Trạm y tế chào bạn! Gửi DK để đăng ký, {deadline} là hạn khai báo"}'
    config = load_config(config_with(tmp_path, overrides, db), environ={"DATABASE_URL": url(db)})
    runtime = build_runtime(config, sender=sender, db=db, clock=clock)
    phone = Phone(STRANGER, create_app(runtime).test_client(), config, sender)
    assert phone.send("TRO GIUP") == "Tram y te chao ban! Gui DK de dang ky, 10:00 la han khai bao"
    assert phone.send("DK").startswith("Dang ky theo doi F0 tai nha")  # the other texts are the shipped ones


def test_a_bad_override_stops_the_start_with_the_key_named(tmp_path: Path, db: Engine) -> None:
    path = config_with(tmp_path, '{help_unregistered: "Gửi {keyword} để đăng ký"}', db)
    with pytest.raises(ConfigError) as caught:
        load_config(path, environ={"DATABASE_URL": url(db)})
    assert "texts.vi.help_unregistered: unknown placeholder {keyword}; known: " in str(caught.value)
