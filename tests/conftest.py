"""Shared fixtures: the shipped demo config on an in-memory database, a fixed clock, phones."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from f0care.app import create_app
from f0care.config import Config, load_config
from f0care.runtime import Runtime, build_runtime
from models.db import create_schema, make_engine
from tests.support.fakes import Clock, RecordingSender
from tests.support.phone import Phone

ROOT = Path(__file__).resolve().parent.parent
# 08:00 in Hanoi on a Wednesday.
T0 = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)


@pytest.fixture
def config() -> Config:
    return load_config(ROOT / "config.yaml", environ={"DATABASE_URL": "sqlite://"})


@pytest.fixture
def clock() -> Clock:
    return Clock(T0)


@pytest.fixture
def sender() -> RecordingSender:
    return RecordingSender()


@pytest.fixture
def runtime(config: Config, sender: RecordingSender, clock: Clock) -> Iterator[Runtime]:
    db = make_engine("sqlite://")
    create_schema(db)
    rt = build_runtime(config, sender=sender, db=db, clock=clock)
    yield rt
    db.dispose()


@pytest.fixture
def app(runtime: Runtime) -> Flask:
    return create_app(runtime)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def phone(client: FlaskClient, config: Config, sender: RecordingSender) -> Callable[[str], Phone]:
    """`phone("+84912345678")` gives a phone that sends signed SMS to the webhook."""

    def make(number: str) -> Phone:
        return Phone(number, client, config, sender)

    return make
