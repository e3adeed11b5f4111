"""Throwaway PostgreSQL databases for the test suite: one per test process, emptied between tests, dropped at the end.

`F0CARE_TEST_POSTGRES_URL` names a server and a database to connect to (usually `postgres`);
the tests never write there, they create `f0care_test_<pid>_<hex>` next to it.
"""

from __future__ import annotations

import os
import re
import secrets
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.pool import NullPool
from sqlmodel import SQLModel

from models.db import create_schema, make_engine

ENV = "F0CARE_TEST_POSTGRES_URL"
EXAMPLE_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
CONNECT_TIMEOUT = 3  # seconds: a server that is down is reported at once, not after a TCP timeout
LOCK_TIMEOUT = "10s"  # a test that leaked an open transaction fails the next truncate instead of hanging it
POSTGRES_SKIPPED = f"PostgreSQL tests skipped: set {ENV}={EXAMPLE_URL} to run them"
OURS = re.compile(r"f0care_test_(\d+)_[0-9a-f]{8}")  # the pid of the test process that made it


def postgres_url(environ: dict[str, str] | None = None) -> str | None:
    """The base URL from the environment, or None when PostgreSQL tests are not wanted."""
    value = (os.environ if environ is None else environ).get(ENV, "").strip()
    return value or None


@contextmanager
def _admin(base_url: str) -> Iterator[Connection]:
    """An AUTOCOMMIT connection to the base URL's own database (CREATE/DROP DATABASE refuse transactions)."""
    engine = create_engine(
        make_url(base_url),
        isolation_level="AUTOCOMMIT",
        poolclass=NullPool,
        connect_args={"connect_timeout": CONNECT_TIMEOUT},
    )
    try:
        with engine.connect() as conn:
            yield conn
    finally:
        engine.dispose()


def unreachable(base_url: str) -> str | None:
    """Why the server at `base_url` cannot be used (one line), or None when it answers."""
    try:
        url = make_url(base_url)
    except Exception as exc:
        return f"{ENV} is not a database URL ({exc}); expected e.g. {EXAMPLE_URL}"
    if url.get_backend_name() != "postgresql":
        return f"{ENV} must be a postgresql+psycopg:// URL, got {url.drivername}://; e.g. {EXAMPLE_URL}"
    try:
        with _admin(base_url) as conn:
            conn.exec_driver_sql("SELECT 1")
    except Exception as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        return f"cannot connect to {url.render_as_string(hide_password=True)}: {reason}"
    return None


def create_database(base_url: str) -> URL:
    """Create a uniquely named, empty database on the base URL's server; returns its URL."""
    name = f"f0care_test_{os.getpid()}_{secrets.token_hex(4)}"
    with _admin(base_url) as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    return make_url(base_url).set(database=name)


def drop_database(base_url: str, name: str) -> None:
    """Drop the database `name`, closing any session still connected to it."""
    with _admin(base_url) as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def drop_abandoned(base_url: str) -> list[str]:
    """Drop the databases of test processes that died before their clean-up (kill -9); returns their names."""
    with _admin(base_url) as conn:
        names = [name for (name,) in conn.exec_driver_sql("SELECT datname FROM pg_database")]
        dropped = []
        for name in names:
            match = OURS.fullmatch(name)
            if match is None or _alive(int(match.group(1))):
                continue
            try:  # no FORCE: a database someone is still connected to is not abandoned
                conn.exec_driver_sql(f'DROP DATABASE "{name}"')
            except Exception:
                continue
            dropped.append(name)
    return dropped


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # someone else's process, alive
    return True


def open_database(url: URL) -> Engine:
    """The service's engine on `url`, with today's schema (the migrations are checked by their own test)."""
    engine = make_engine(url.render_as_string(hide_password=False))
    create_schema(engine)
    return engine


def truncate_all(engine: Engine) -> None:
    """Empty every table of the models and restart their ids, as if the schema were new."""
    quote = engine.dialect.identifier_preparer.quote
    names = ", ".join(quote(table.name) for table in SQLModel.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'"))
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@contextmanager
def schema_database(kind: str, directory: Path) -> Iterator[str]:
    """A fresh database with the schema, for service processes: its URL; `kind` is "postgres" or "sqlite".

    PostgreSQL: a new database next to F0CARE_TEST_POSTGRES_URL, dropped afterwards (skips the test
    without one). SQLite: a file in `directory`.
    """
    if kind == "postgres":
        base = postgres_url()
        if base is None:
            pytest.skip(POSTGRES_SKIPPED)
        url = create_database(base)
        try:
            open_database(url).dispose()
            yield url.render_as_string(hide_password=False)
        finally:
            drop_database(base, str(url.database))
    else:
        path = directory / f"{kind}.db"
        open_database(make_url(f"sqlite:///{path}")).dispose()
        yield f"sqlite:///{path}"


def probe(base_url: str) -> str:
    """`base_url` when a PostgreSQL server answers there, else "" (and why, on stderr): for `make test`."""
    reason = unreachable(base_url)
    if reason is None:
        return base_url
    print(f"make: PostgreSQL tests will be SKIPPED: {reason}", file=sys.stderr)
    return ""


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--probe":
        print(probe(sys.argv[2]))
    else:
        sys.exit("usage: python -m tests.support.databases --probe URL")
