"""Migrations make the models' schema on SQLite and PostgreSQL; a model changed without a migration fails here."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Column, LargeBinary, MetaData, String, Table, inspect
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, select

from models import migrate
from models.db import create_schema, make_engine
from models.tables import Contact
from tests.support import databases
from tests.support.databases import POSTGRES_SKIPPED

PHONE = "+84912345678"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A database without any table: a SQLite file, or a PostgreSQL database of its own, dropped afterwards."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'f0care.db'}")
        yield engine
        engine.dispose()
        return
    server = databases.postgres_url()
    if server is None:
        pytest.skip(POSTGRES_SKIPPED)
    url = databases.create_database(server)
    try:
        engine = make_engine(url.render_as_string(hide_password=False))
        yield engine
        engine.dispose()
    finally:
        databases.drop_database(server, str(url.database))


def tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names())


def add_contact(engine: Engine) -> None:
    with Session(engine) as session:
        session.add(Contact(phone=PHONE))
        session.commit()


def contacts(engine: Engine) -> list[str]:
    with Session(engine) as session:
        return list(session.exec(select(Contact.phone)))


def models_with_a_new_column() -> MetaData:
    """The models as they would be if someone added a column and forgot the migration."""
    changed = MetaData()
    for table in SQLModel.metadata.tables.values():
        table.to_metadata(changed)
    changed.tables["patient"].append_column(Column("nickname", String(40), nullable=True))
    return changed


def test_upgrade_creates_every_table_of_the_models(empty: Engine) -> None:
    migrate.upgrade(empty)
    assert tables(empty) == {*SQLModel.metadata.tables, "alembic_version"}
    assert migrate.current(empty) == migrate.head() is not None


def test_upgrading_twice_is_harmless_and_keeps_the_data(empty: Engine) -> None:
    migrate.upgrade(empty)
    add_contact(empty)
    migrate.upgrade(empty)
    assert contacts(empty) == [PHONE]
    assert migrate.current(empty) == migrate.head()


def test_several_processes_upgrading_at_once_migrate_it_once(empty: Engine) -> None:
    url = empty.url.render_as_string(hide_password=False)
    script = "import sys; from models.migrate import upgrade; upgrade(sys.argv[1])"
    processes = [subprocess.Popen([sys.executable, "-c", script, url]) for _ in range(3)]
    assert [process.wait(timeout=60) for process in processes] == [0, 0, 0]
    assert migrate.current(empty) == migrate.head()
    assert migrate.check_models_match(empty) == []


def test_the_migrated_database_matches_the_models(empty: Engine) -> None:
    migrate.upgrade(empty)
    assert migrate.check_models_match(empty) == []


def test_a_column_added_to_a_model_without_a_migration_is_caught(empty: Engine) -> None:
    migrate.upgrade(empty)
    differences = migrate.check_models_match(empty, models_with_a_new_column())
    assert [migrate.describe(difference) for difference in differences] == ["add_column patient.nickname"]


def test_the_scheduler_job_store_is_left_out_of_the_comparison(empty: Engine) -> None:
    migrate.upgrade(empty)
    apscheduler = MetaData()
    Table("scheduler_jobs", apscheduler, Column("id", String(191), primary_key=True), Column("job_state", LargeBinary))
    apscheduler.create_all(empty)
    assert migrate.check_models_match(empty) == []


def test_the_migrations_can_be_undone_down_to_an_empty_database(empty: Engine) -> None:
    migrate.upgrade(empty)
    with migrate.migration_transaction(empty) as conn:
        command.downgrade(migrate.alembic_config(connection=conn), "base")
    assert tables(empty) == {"alembic_version"}
    assert migrate.current(empty) is None


def test_a_database_made_by_create_all_is_stamped_not_recreated(empty: Engine) -> None:
    create_schema(empty)
    add_contact(empty)
    migrate.upgrade(empty)
    assert migrate.current(empty) == migrate.head()
    assert contacts(empty) == [PHONE]
    assert migrate.check_models_match(empty) == []


def test_a_create_all_database_that_differs_is_refused_and_left_as_it_was(empty: Engine) -> None:
    create_schema(empty)
    with empty.begin() as conn:
        conn.exec_driver_sql("ALTER TABLE message DROP COLUMN claimed_by")
    with pytest.raises(migrate.SchemaMismatch, match=r"no migration history"):
        migrate.upgrade(empty)
    assert migrate.current(empty) is None
    assert "alembic_version" not in tables(empty)


def test_upgrade_takes_a_url_and_an_in_memory_engine(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'f0care.db'}"
    migrate.upgrade(url)
    on_file = make_engine(url)
    memory = make_engine("sqlite://")
    try:
        assert migrate.current(on_file) == migrate.head()
        migrate.upgrade(memory)
        assert migrate.check_models_match(memory) == []
    finally:
        on_file.dispose()
        memory.dispose()


def test_foreign_keys_are_enforced_again_after_a_sqlite_upgrade() -> None:
    # Migrations run with them off (batch mode rebuilds tables); the app's connection must get them back.
    memory = make_engine("sqlite://")
    try:
        migrate.upgrade(memory)
        with memory.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        memory.dispose()
