"""`f0care backup` during writes, then `f0care restore` into an empty database: every row committed
before the backup began is there, and nothing half-written (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from f0care.cli import main
from models import migrate
from models.backup import BackupError, backup, restore
from models.db import make_engine
from models.tables import Contact
from tests.integration.test_cli import SHIPPED, SHIPPED_DB, assert_refused
from tests.support import databases


class Writer(threading.Thread):
    """Commits one contact a transaction until stopped; remembers what it committed, in order."""

    def __init__(self, engine: Engine) -> None:
        super().__init__(daemon=True)
        self.engine = engine
        self.committed: list[str] = []
        self.stop = threading.Event()

    def run(self) -> None:
        n = 0
        while not self.stop.is_set():
            phone = f"+8490{n:07d}"
            with Session(self.engine) as session:
                session.add(Contact(phone=phone))
                session.commit()
            self.committed.append(phone)
            n += 1

    def wait_for(self, count: int) -> None:
        while len(self.committed) < count and self.is_alive():
            self.stop.wait(0.01)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def urls(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """A migrated source database and an empty target, as URLs."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'live.db'}", f"sqlite:///{tmp_path / 'restored.db'}"
        return
    base = databases.postgres_url()
    if base is None:
        pytest.skip("PostgreSQL tests skipped: set F0CARE_TEST_POSTGRES_URL")
    made = [databases.create_database(base) for _ in range(2)]
    try:
        yield tuple(url.render_as_string(hide_password=False) for url in made)  # type: ignore[misc]
    finally:
        for url in made:
            databases.drop_database(base, str(url.database))


def test_a_backup_taken_during_writes_restores_every_row_committed_before_it(
    urls: tuple[str, str], tmp_path: Path
) -> None:
    source_url, target_url = urls
    source = make_engine(source_url)
    migrate.upgrade(source)
    writer = Writer(source)
    writer.start()
    try:
        writer.wait_for(200)
        before = list(writer.committed)
        backup(source_url, tmp_path / "f0care.backup")
        writer.wait_for(len(before) + 100)  # and it kept writing
    finally:
        writer.stop.set()
        writer.join()
        source.dispose()
    restore(target_url, tmp_path / "f0care.backup")
    target = make_engine(target_url)
    try:
        with Session(target) as session:
            restored = list(session.scalars(select(col(Contact.phone)).order_by(col(Contact.phone))))
        assert restored[: len(before)] == before  # every row committed before the backup
        assert restored == writer.committed[: len(restored)]  # a snapshot: no gap, nothing half-written
        assert len(restored) < len(writer.committed)
        assert migrate.current(target) == migrate.head()
        assert not migrate.check_models_match(target)
    finally:
        target.dispose()
    assert (tmp_path / "f0care.backup").stat().st_mode & 0o077 == 0  # health data: owner only


def test_restore_refuses_a_database_that_is_not_empty(urls: tuple[str, str], tmp_path: Path) -> None:
    source_url = urls[0]
    migrate.upgrade(source_url)
    backup(source_url, tmp_path / "f0care.backup")
    with pytest.raises(BackupError, match="is not empty"):
        restore(source_url, tmp_path / "f0care.backup")
    with pytest.raises(BackupError, match="exists already"):
        backup(source_url, tmp_path / "f0care.backup")


def config_for(tmp_path: Path, url: str) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(SHIPPED.replace(SHIPPED_DB, f'url: "{url}"'), encoding="utf-8")
    return path


def test_the_commands_back_up_and_restore_and_explain_a_refusal(tmp_path: Path) -> None:
    live, copy = config_for(tmp_path, f"sqlite:///{tmp_path / 'live.db'}"), tmp_path / "copy.yaml"
    copy.write_text(SHIPPED.replace(SHIPPED_DB, f'url: "sqlite:///{tmp_path / "new.db"}"'), encoding="utf-8")
    env = {"DATABASE_URL": None, "F0CARE_CONFIG": None}
    runner = CliRunner()
    assert runner.invoke(main, ["--config", str(live), "db", "upgrade"], env=env).exit_code == 0
    made = runner.invoke(main, ["--config", str(live), "backup", str(tmp_path / "b.sqlite")], env=env)
    assert made.exit_code == 0, made.output
    assert "backup written" in made.output, made.output
    assert runner.invoke(main, ["--config", str(copy), "restore", str(tmp_path / "b.sqlite")], env=env).exit_code == 0
    assert_refused(runner.invoke(main, ["--config", str(live), "restore", str(tmp_path / "b.sqlite")], env=env),
                   "is not empty", "new, empty database")  # fmt: skip
    assert_refused(runner.invoke(main, ["--config", str(live), "backup", str(tmp_path / "no" / "b")], env=env),
                   "is not a directory")  # fmt: skip


def test_a_postgres_backup_without_pg_dump_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no pg_dump here
    with pytest.raises(BackupError, match="pg_dump was not found on PATH; install the PostgreSQL client tools"):
        backup("postgresql+psycopg://f0care@127.0.0.1/none", tmp_path / "x.dump")
    assert not (tmp_path / "x.dump").exists()
