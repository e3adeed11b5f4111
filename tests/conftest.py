"""Shared fixtures: the shipped demo config on a fresh database, a fixed clock, phones.

Every test that uses `runtime` (and so `app`, `client`, `phone`) runs twice: on an in-memory
SQLite database and on PostgreSQL. The PostgreSQL run needs F0CARE_TEST_POSTGRES_URL; without
it those tests are skipped with one line saying how to enable them; with it and no server,
the whole run stops with an error instead of passing without PostgreSQL.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.engine import Engine

from f0care.app import create_app
from f0care.config import Config, load_config
from f0care.runtime import Runtime, build_runtime
from models.db import create_schema, make_engine
from tests.support import databases
from tests.support.databases import POSTGRES_SKIPPED
from tests.support.fakes import Clock, RecordingSender
from tests.support.phone import Phone

ROOT = Path(__file__).resolve().parent.parent
# 08:00 in Hanoi on a Wednesday.
T0 = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session: pytest.Session) -> None:
    """Asked for PostgreSQL and cannot have it: stop before any test runs, never skip quietly."""
    if hasattr(session.config, "workerinput"):
        return  # an xdist worker: the controller has checked already
    url = databases.postgres_url()
    problem = url and databases.unreachable(url)
    if problem:
        hint = f"start PostgreSQL, or unset {databases.ENV} to run on SQLite only"
        pytest.exit(f"{databases.ENV} is set but PostgreSQL is unreachable: {problem}; {hint}", returncode=3)
    if url:
        databases.drop_abandoned(url)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    skipped = terminalreporter.stats.get("skipped", [])
    if any(POSTGRES_SKIPPED in str(report.longrepr) for report in skipped):
        terminalreporter.write_line(POSTGRES_SKIPPED, yellow=True)


@pytest.fixture(scope="session")
def postgres() -> Iterator[Engine]:
    """This test process's own PostgreSQL database (each xdist worker has one), dropped at the end."""
    base = databases.postgres_url()
    if base is None:
        pytest.skip(POSTGRES_SKIPPED)
    url = databases.create_database(base)
    try:
        engine = databases.open_database(url)
        yield engine
        engine.dispose()
    finally:
        databases.drop_database(base, str(url.database))


@pytest.fixture(autouse=True)
def root_logging() -> Iterator[None]:
    """A test that runs the CLI installs the service's logging (a masking root handler); the next test
    starts without it, so what a test sees in its log does not depend on the order tests ran in."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
    ]
)
def db(request: pytest.FixtureRequest) -> Iterator[Engine]:
    """An empty database with the schema: in-memory SQLite, or PostgreSQL emptied after the test."""
    if request.param == "sqlite":
        engine = make_engine("sqlite://")
        create_schema(engine)
        yield engine
        engine.dispose()
        return
    engine = request.getfixturevalue("postgres")
    yield engine
    databases.truncate_all(engine)


@pytest.fixture
def config(request: pytest.FixtureRequest) -> Config:
    """The shipped demo config, its database URL naming the test's `db` when the test has one."""
    # Not a `db` parameter: tests that only read the config, or build their own engine, run once.
    url = "sqlite://"
    if "db" in request.fixturenames:
        url = request.getfixturevalue("db").url.render_as_string(hide_password=False)
    return load_config(ROOT / "config.yaml", environ={"DATABASE_URL": url})


@pytest.fixture
def clock() -> Clock:
    return Clock(T0)


@pytest.fixture
def sender() -> RecordingSender:
    return RecordingSender()


@pytest.fixture
def runtime(config: Config, db: Engine, sender: RecordingSender, clock: Clock) -> Runtime:
    return build_runtime(config, sender=sender, db=db, clock=clock)


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
