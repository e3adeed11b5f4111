"""Database engines: SQLite (embedded default, one writer at a time) and PostgreSQL."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Table, bindparam, column, event, func, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool
from sqlmodel import SQLModel, create_engine

from models import tables  # noqa: F401  (registers the tables)


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for `url`; SQLite gets WAL, a busy timeout and BEGIN IMMEDIATE transactions."""
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True, **kwargs)
    memory = url in ("sqlite://", "sqlite:///:memory:")
    options: dict[str, Any] = {"connect_args": {"check_same_thread": False, "timeout": 30}}
    if memory:
        options["poolclass"] = StaticPool
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

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        # One writer at a time: a conversation is read and written in one serialised transaction.
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


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


def update_rows(db: Session, table: Table, key: str, rows: Sequence[Mapping[str, Any]]) -> None:
    """For each row, UPDATE `table` WHERE `key` = the row's key SET the row's other columns.

    PostgreSQL gets one statement, UPDATE ... FROM unnest(<one array per column>), which stays the
    same SQL for any number of rows; an executemany there is a round trip per row. SQLite runs
    in-process, where the executemany is cheap.
    """
    if not rows:
        return
    names = list(rows[0])
    others = [name for name in names if name != key]
    if db.get_bind().dialect.name != "postgresql":
        statement = update(table).where(table.c[key] == bindparam(f"p_{key}"))
        statement = statement.values({name: bindparam(f"p_{name}") for name in others})
        db.execute(statement, [{f"p_{name}": row[name] for name in names} for row in rows])
        return
    arrays = [bindparam(f"p_{name}", type_=postgresql.ARRAY(table.c[name].type)) for name in names]
    given = func.unnest(*arrays).table_valued(*(column(name) for name in names)).render_derived(name="v")
    statement = update(table).where(table.c[key] == given.c[key]).values({name: given.c[name] for name in others})
    db.execute(statement, {f"p_{name}": [row[name] for row in rows] for name in names})
