"""One SQLite writer at a time, queued by this lock instead of SQLite's busy handler.

SQLite's busy handler retries a locked database after sleeping 1, 2, 5, 10, 15 ... 100 ms, so
with several web workers writing, a waiting request sleeps far longer than the transaction it
waits for (p99 latencies of 0.7 s were measured with two workers). Every transaction of an engine
made by `models.db.make_engine` takes this lock before its BEGIN IMMEDIATE and drops it right
after COMMIT or ROLLBACK: a thread lock for the threads of one process, then an exclusive
`flock` on `<database>.lock` for the processes. The next writer starts within a fraction of a
millisecond. SQLite's own lock still guards the data; this one only orders the waiters.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
import time
import weakref
from typing import Any

from sqlalchemy.exc import OperationalError

TIMEOUT_SECONDS = 30.0  # as SQLite's busy timeout: then "database is locked", which callers retry
_NAPS = (0.00005, 0.0001, 0.0002)  # then every 0.25 ms: a wait costs little more than the holder's work
_LAST_NAP = 0.00025


class WriterLock:
    """Exclusive across the threads and processes that open the same database file."""

    def __init__(self, path: str, timeout: float = TIMEOUT_SECONDS) -> None:
        self.path = path
        self.timeout = timeout
        self._threads = threading.Lock()
        self._fd: int | None = None
        self._pid = 0
        self._holder: int | None = None  # id() of the DBAPI connection holding the lock
        _ALL.add(self)

    def acquire(self, connection: Any) -> None:
        deadline = time.monotonic() + self.timeout
        if not self._threads.acquire(timeout=self.timeout):
            raise _locked()
        try:
            fd = self._file()
            naps = 0
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise _locked() from None
                    time.sleep(_NAPS[naps] if naps < len(_NAPS) else _LAST_NAP)
                    naps += 1
        except BaseException:
            self._threads.release()
            raise
        self._holder = id(_raw(connection))

    def release(self, connection: Any) -> None:
        """Drop the lock if `connection` holds it (a no-op otherwise, e.g. the pool's reset)."""
        if self._holder is None or self._holder != id(_raw(connection)):
            return
        self._holder = None
        try:
            if self._fd is not None and self._pid == os.getpid():
                fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            self._threads.release()

    def _file(self) -> int:
        """The lock file's descriptor, opened once per process (a forked child opens its own)."""
        if self._fd is None or self._pid != os.getpid():
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            self._pid = os.getpid()
        return self._fd


def _locked() -> OperationalError:
    """What SQLite's busy timeout raises, as SQLAlchemy wraps it: callers retry it the same way."""
    return OperationalError("BEGIN IMMEDIATE", None, sqlite3.OperationalError("database is locked"))


_ALL: weakref.WeakSet[WriterLock] = weakref.WeakSet()


def _after_fork_in_child() -> None:
    """A forked process starts with no lock held and opens its own lock file."""
    for lock in list(_ALL):
        lock._threads = threading.Lock()
        lock._holder, lock._fd, lock._pid = None, None, 0


os.register_at_fork(after_in_child=_after_fork_in_child)


def _raw(connection: Any) -> Any:
    """The DBAPI connection behind SQLAlchemy's pool proxy (or the connection itself)."""
    return getattr(connection, "dbapi_connection", None) or connection
