"""Schema migrations (Alembic, in models/migrations): bring a database to the models' schema, check they agree."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, inspect
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError
from sqlmodel import SQLModel

from models import tables  # noqa: F401  (registers the tables)
from models.db import make_engine

MIGRATIONS = Path(__file__).with_name("migrations")
BASELINE = "0001"  # the schema `create_all` made before there were migrations
MIGRATION_LOCK = 0x0F0CA2E_0001  # PostgreSQL advisory lock key held while migrating
IGNORED_TABLES = frozenset({"scheduler_jobs"})  # APScheduler creates and owns its job store

_ONE_RUN_PER_PROCESS = threading.Lock()  # Alembic's `context` and `op` are process-wide


class SchemaMismatch(RuntimeError):
    """The database's tables are not what the migrations would have made."""


def upgrade(db: Engine | str) -> None:
    """Apply every migration not yet applied; adopt a database made by `create_all` if its tables match."""
    engine = make_engine(db) if isinstance(db, str) else db
    try:
        with _ONE_RUN_PER_PROCESS, migration_transaction(engine) as conn:
            if _made_by_create_all(conn):
                _adopt(conn)
            else:
                command.upgrade(alembic_config(connection=conn), "head")
    finally:
        if isinstance(db, str):
            engine.dispose()


def current(engine: Engine) -> str | None:
    """The database's migration revision, None when no migration was ever applied."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head() -> str | None:
    """The latest migration's revision."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def check_models_match(db: Engine | Connection, metadata: MetaData | None = None) -> list[Any]:
    """The differences between the database and the models (Alembic's autogenerate diff): empty when they agree."""
    if isinstance(db, Engine):
        with db.connect() as conn:
            return check_models_match(conn, metadata)
    options = {"include_object": include_object, "compare_type": True}
    context = MigrationContext.configure(db, opts=options)
    return list(compare_metadata(context, SQLModel.metadata if metadata is None else metadata))


def describe(difference: Any) -> str:
    """One readable line for an entry of `check_models_match` (what to do to the database to match the models)."""
    if isinstance(difference, list):  # the changes to one column come as a list
        return "; ".join(describe(item) for item in difference)
    action, *details = difference
    if action.startswith("modify_"):
        _schema, table, column, _existing, old, new = details
        return f"{action} {table}.{column}: {old!r} in the database, {new!r} in the models"
    target = details[-1]
    name = getattr(target, "name", None) or "(unnamed)"
    table = getattr(getattr(target, "table", None), "name", None)
    return f"{action} {table}.{name}" if table else f"{action} {name}"


def new_revision(url: str, message: str, rev_id: str) -> None:
    """Write a migration for what the models have and the database at `url` (migrated to head) lacks."""
    command.revision(alembic_config(url), message=message, autogenerate=True, rev_id=rev_id)


def alembic_config(url: str = "", connection: Connection | None = None) -> Config:
    """Alembic's configuration, without an alembic.ini and without touching the app's logging."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("path_separator", "os")
    if url:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """Leave out of migrations and comparisons the tables the service does not own."""
    return not (type_ == "table" and name in IGNORED_TABLES)


@contextmanager
def migration_transaction(engine: Engine) -> Iterator[Connection]:
    """One transaction for a whole migration run; on SQLite with foreign keys off, checked before commit."""
    with engine.connect() as conn:
        if conn.dialect.name != "sqlite":
            with conn.begin():
                if conn.dialect.name == "postgresql":  # several processes upgrading at start-up: one at a time
                    conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
                yield conn
            return
        # Batch mode rebuilds a table by copy, drop and rename: a drop would trip (or cascade) the foreign
        # keys pointing at it. SQLite ignores this pragma inside a transaction, hence before BEGIN.
        driver = conn.connection.driver_connection
        assert driver is not None
        enforced = driver.execute("PRAGMA foreign_keys").fetchone()[0]
        driver.execute("PRAGMA foreign_keys=OFF")
        try:
            with conn.begin():
                yield conn
                broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise SchemaMismatch(f"the migration left rows with broken foreign keys: {broken[:5]}")
        finally:
            driver.execute(f"PRAGMA foreign_keys={'ON' if enforced else 'OFF'}")


def _made_by_create_all(conn: Connection) -> bool:
    existing = set(inspect(conn).get_table_names())
    return "alembic_version" not in existing and bool(existing & set(SQLModel.metadata.tables))


def _adopt(conn: Connection) -> None:
    config = alembic_config(connection=conn)
    if not check_models_match(conn):  # made by today's models: it is at head already
        command.stamp(config, "head")
        return
    # Made before a later migration: it has the baseline schema, and the migrations since then apply.
    command.stamp(config, BASELINE)
    try:
        command.upgrade(config, "head")
    except DBAPIError as error:
        problems = [f"the migrations after {BASELINE} fail on it: {error.orig}"]
    else:
        problems = [describe(difference) for difference in check_models_match(conn)]
    if problems:
        url = conn.engine.url.render_as_string(hide_password=True)
        listed = "\n".join(f"  - {problem}" for problem in problems)
        raise SchemaMismatch(
            f"The database {url} has the service's tables but no migration history, and they differ from "
            f"the schema the migrations make:\n{listed}\n"
            "Nothing was changed. Back the database up, then make these tables match by hand (or start from "
            "an empty database) and run `f0care db upgrade` again."
        )
