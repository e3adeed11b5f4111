"""Database engines: SQLite (embedded default, one writer at a time) and PostgreSQL."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Table, bindparam, column, event, func, make_url, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool
from sqlmodel import SQLModel, create_engine

from models import tables  # noqa: F401  (registers the tables)
from models.sqlite_lock import WriterLock

log = logging.getLogger("f0care.db")
READ_ONLY = "f0care_read_only"  # execution option: see `reading`


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for `url`; SQLite gets WAL, a busy timeout and BEGIN IMMEDIATE transactions.

    SQL parameters (phones, answers) never appear in SQLAlchemy's logs or error texts. A SQLite
    database file is created readable by its owner only; SQLite gives its -wal and -shm files the
    same mode, and the writer lock file is made 0600 too."""
    kwargs.setdefault("hide_parameters", True)
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True, **kwargs)
    memory = url in ("sqlite://", "sqlite:///:memory:")
    options: dict[str, Any] = {"connect_args": {"check_same_thread": False, "timeout": 30}}
    if memory:
        options["poolclass"] = StaticPool
    else:
        private_file(_database_path(url))
    engine = create_engine(url, **options, **kwargs)

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not pysqlite, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if not memory:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    lock = None if memory else WriterLock(_database_path(url) + ".lock")

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        if conn.get_execution_options().get(READ_ONLY):
            conn.exec_driver_sql("BEGIN")  # WAL: a reader waits for no writer and holds none up
            return
        # One writer at a time: a conversation is read and written in one serialised transaction.
        if lock is None:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            return
        lock.acquire(conn.connection)
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            lock.release(conn.connection)
            raise

    if lock is not None:
        _release_after(engine, lock)
    return engine


def _release_after(engine: Engine, lock: WriterLock) -> None:
    """Drop the writer lock once SQLite has committed or rolled back, not before."""
    dialect = engine.dialect
    commit, rollback = dialect.do_commit, dialect.do_rollback

    def do_commit(dbapi_connection: Any) -> None:
        try:
            commit(dbapi_connection)
        finally:
            lock.release(dbapi_connection)

    def do_rollback(dbapi_connection: Any) -> None:
        try:
            rollback(dbapi_connection)
        finally:
            lock.release(dbapi_connection)

    # The engine's own dialect instance: no other engine is affected.
    setattr(dialect, "do_commit", do_commit)  # noqa: B010
    setattr(dialect, "do_rollback", do_rollback)  # noqa: B010


def private_file(path: str) -> None:
    """Create `path` (mode 0600) if it does not exist; warn when an existing one is readable by others."""
    if path.startswith("file:") or path == ":memory:":
        return  # a URI filename: SQLite opens it
    try:
        os.close(os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600))
    except FileExistsError:
        if os.stat(path).st_mode & 0o077:
            log.warning("%s is readable by other users; run: chmod 600 %s*", path, path)
    except OSError:
        return  # e.g. a missing directory: SQLite's own error says it better


def _database_path(url: str) -> str:
    return make_url(url).database or "f0care.db"


def reading(engine: Engine) -> Connection:
    """A connection that only reads: on SQLite its transaction takes neither the writer lock nor
    BEGIN IMMEDIATE, so it never makes a writer wait (e.g. a sender polling an empty outbox)."""
    return engine.connect().execution_options(**{READ_ONLY: True})


def create_schema(engine: Engine) -> None:
    """Create the tables that do not exist yet."""
    SQLModel.metadata.create_all(engine)


def ping(engine: Engine) -> bool:
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
        return True
    except Exception:
        return False


def update_rows(
    db: Session, table: Table, key: str, rows: Sequence[Mapping[str, Any]], *where: ColumnElement[bool]
) -> int:
    """For each row, UPDATE `table` WHERE `key` = the row's key (and `where`) SET the row's other columns.

    PostgreSQL gets one statement, UPDATE ... FROM unnest(<one array per column>), which stays the
    same SQL for any number of rows; an executemany there is a round trip per row. SQLite runs
    in-process, where the executemany is cheap. Returns the number of rows updated.
    """
    if not rows:
        return 0
    names = list(rows[0])
    others = [name for name in names if name != key]
    if db.get_bind().dialect.name != "postgresql":
        statement = update(table).where(table.c[key] == bindparam(f"p_{key}"), *where)
        statement = statement.values({name: bindparam(f"p_{name}") for name in others})
        result = db.execute(statement, [{f"p_{name}": row[name] for name in names} for row in rows])
    else:
        arrays = [bindparam(f"p_{name}", type_=postgresql.ARRAY(table.c[name].type)) for name in names]
        given = func.unnest(*arrays).table_valued(*(column(name) for name in names)).render_derived(name="v")
        statement = update(table).where(table.c[key] == given.c[key], *where)
        statement = statement.values({name: given.c[name] for name in others})
        result = db.execute(statement, {f"p_{name}": [row[name] for row in rows] for name in names})
    return int(getattr(result, "rowcount", 0) or 0)
