"""Alembic's environment: migrate the connection models.migrate hands in, or one opened from the URL."""

from __future__ import annotations

from typing import Any

from alembic import context
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

from models import tables  # noqa: F401  (registers the tables)
from models.db import make_engine
from models.migrate import include_object, migration_transaction

OPTIONS: dict[str, Any] = {
    "target_metadata": SQLModel.metadata,
    "include_object": include_object,
    "compare_type": True,
}


def run_offline(url: str) -> None:
    """Write the SQL instead of running it (`--sql`)."""
    context.configure(url=url, literal_binds=True, render_as_batch=url.startswith("sqlite"), **OPTIONS)
    with context.begin_transaction():
        context.run_migrations()


def run_on(connection: Connection) -> None:
    # SQLite cannot ALTER most things: batch mode rebuilds the table instead.
    context.configure(connection=connection, render_as_batch=connection.dialect.name == "sqlite", **OPTIONS)
    with context.begin_transaction():
        context.run_migrations()


def main() -> None:
    connection = context.config.attributes.get("connection")
    url = context.config.get_main_option("sqlalchemy.url") or ""
    if connection is not None:
        run_on(connection)
    elif context.is_offline_mode():
        run_offline(url)
    else:
        engine = make_engine(url)
        try:
            with migration_transaction(engine) as own:
                run_on(own)
        finally:
            engine.dispose()


main()
