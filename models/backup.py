"""Online, consistent backups and restores into an empty database.

SQLite: the backup API copies the database as of one read transaction; writers carry on (WAL).
PostgreSQL: `pg_dump --format=custom` (one repeatable-read snapshot) and `pg_restore` in a
single transaction. Mistakes an operator can fix are `BackupError`s whose message says how.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import inspect
from sqlalchemy.engine import URL, make_url

from models.db import make_engine

PG_DUMP_OPTIONS = ("--format=custom", "--no-owner", "--no-privileges", "--compress=6")
PG_RESTORE_OPTIONS = ("--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction")


class BackupError(RuntimeError):
    """A backup or restore that cannot be done as asked; the message says what to do."""


class ToolFailed(BackupError):
    """pg_dump or pg_restore ran and failed (the server, the network, a version mismatch)."""


def backup(database_url: str, path: Path) -> None:
    """Write a consistent copy of the database to `path` (which must not exist yet)."""
    if path.exists():
        raise BackupError(f"{path} exists already; give a new file name (backups are never overwritten)")
    if not path.parent.is_dir():
        raise BackupError(f"{path.parent} is not a directory; create it first")
    url = make_url(database_url)
    partial = path.with_name(path.name + ".partial")  # a crash never leaves a file that looks complete
    try:
        if url.get_backend_name() == "sqlite":
            _sqlite_copy(_sqlite_file(url, must_exist=True), partial)
        else:
            _run(_tool("pg_dump"), *PG_DUMP_OPTIONS, f"--file={partial}", url=url)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    path.chmod(0o600)  # health data


def restore(database_url: str, path: Path) -> None:
    """Load the backup at `path` into the database, which must be empty (no tables)."""
    if not path.is_file():
        raise BackupError(f"{path} is not a file; give the path of a backup made by `f0care backup`")
    url = make_url(database_url)
    tables = _tables(database_url)
    if tables:
        shown = ", ".join(sorted(tables)[:5])
        raise BackupError(
            f"the database {url.render_as_string(hide_password=True)} is not empty (tables: {shown}); "
            "restore into a new, empty database, then point database.url at it"
        )
    if url.get_backend_name() == "sqlite":
        _check_sqlite_backup(path)
        _sqlite_copy(path, _sqlite_file(url, must_exist=False))
    else:
        _run(_tool("pg_restore"), *PG_RESTORE_OPTIONS, str(path), url=url, database_flag=True)


def _sqlite_file(url: URL, must_exist: bool) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up or restored; use a file")
    file = Path(url.database)
    if must_exist and not file.is_file():
        raise BackupError(f"{file} does not exist; check database.url")
    return file


def _sqlite_copy(source: Path, target: Path) -> None:
    """The backup API: one consistent snapshot (pages=-1 copies it in one step, under one read lock)."""
    src = sqlite3.connect(source, timeout=30)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def _check_sqlite_backup(path: Path) -> None:
    try:
        conn = sqlite3.connect(path)
        try:
            names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            conn.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(
            f"{path} is not an SQLite backup ({error}); a PostgreSQL dump restores into PostgreSQL"
        ) from None
    if "alembic_version" not in names:
        raise BackupError(f"{path} is not a backup of this service (no alembic_version table)")


def _tables(database_url: str) -> list[str]:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and not Path(_sqlite_file(url, must_exist=False)).exists():
        return []
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            return list(inspect(conn).get_table_names())
    finally:
        engine.dispose()


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} was not found on PATH; install the PostgreSQL client tools of the server's major version "
            f"(Debian/Ubuntu: apt-get install postgresql-client-<version>) and run the command again"
        )
    return found


def _run(tool: str, *args: str, url: URL, database_flag: bool = False) -> None:
    """Run pg_dump or pg_restore on `url`, the password passed in the environment, never on the command line."""
    env = {**os.environ}
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    target = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    command = [tool, *args, f"--dbname={target}"] if database_flag else [tool, *args, target]
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        why = (result.stderr or result.stdout).strip().splitlines()[-3:]
        raise ToolFailed(f"{Path(tool).name} failed (exit {result.returncode}): " + " / ".join(why))
