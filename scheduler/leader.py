"""One active scheduler: a PostgreSQL advisory lock (a file lock beside a SQLite database).

A second `f0care scheduler` waits as a hot standby and takes over when the first dies
(its session ends, so PostgreSQL releases the lock). Duplicate sends are impossible
anyway (unique keys); the lock keeps the work and the log in one place.
"""

from __future__ import annotations

import fcntl
import logging
import threading
from typing import IO, Any

from sqlalchemy.engine import Engine

log = logging.getLogger("f0care.scheduler")
LOCK_KEY = 0x0F0CA2E_0002  # the advisory lock id of the f0care scheduler (migrations use _0001)


class Leadership:
    """Hold the scheduler lock for as long as this process runs the jobs."""

    def __init__(self, db: Engine) -> None:
        self.db = db
        self._connection: Any = None
        self._file: IO[str] | None = None

    def try_acquire(self) -> bool:
        if self.db.dialect.name == "postgresql":
            connection = self.db.connect()
            got = bool(connection.exec_driver_sql(f"SELECT pg_try_advisory_lock({LOCK_KEY})").scalar())
            connection.commit()
            if got:
                self._connection = connection
            else:
                connection.close()
            return got
        path = (self.db.url.database or "memory") + ".scheduler.lock"
        handle = open(path, "w")  # noqa: SIM115 - held open for the life of the lock
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        self._file = handle
        return True

    def still_held(self) -> bool:
        """False when the database session holding the lock is gone (then stop scheduling)."""
        if self._connection is None:
            return self._file is not None
        try:
            self._connection.exec_driver_sql("SELECT 1")
            self._connection.commit()
            return True
        except Exception:
            return False

    def release(self) -> None:
        if self._connection is not None:
            try:
                self._connection.exec_driver_sql(f"SELECT pg_advisory_unlock({LOCK_KEY})")
                self._connection.close()
            except Exception:
                log.warning("could not release the scheduler lock cleanly")
            self._connection = None
        if self._file is not None:
            self._file.close()
            self._file = None


def wait_for_leadership(lead: Leadership, stop: threading.Event, every: float = 5.0) -> bool:
    """Block until this process holds the lock (True) or `stop` is set (False)."""
    announced = False
    while not stop.is_set():
        if lead.try_acquire():
            log.info("this scheduler is active")
            return True
        if not announced:
            log.info("another scheduler is active; standing by")
            announced = True
        stop.wait(every)
    return False
