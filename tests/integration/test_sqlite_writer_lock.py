"""SQLite writers queue on the writer lock: one at a time, released at COMMIT or ROLLBACK, never leaked."""

from __future__ import annotations

import multiprocessing
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from models.db import create_schema, make_engine
from models.sqlite_lock import WriterLock

INSERT = text("INSERT INTO contact (phone, language, opted_out, state, state_data) VALUES (:p, 'vi', 0, 'idle', '{}')")


def _url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'lock.db'}"


def _hold_then_commit(url: str, started: Any, events: Any) -> None:
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(INSERT, {"p": "A"})
        started.set()
        time.sleep(0.3)
        events.put(("a_commits", time.monotonic()))
    events.put(("a_committed", time.monotonic()))


def test_a_second_process_writes_only_after_the_first_commits(tmp_path: Path) -> None:
    url = _url(tmp_path)
    create_schema(make_engine(url))
    context = multiprocessing.get_context("fork")
    started, events = context.Event(), context.Queue()
    holder = context.Process(target=_hold_then_commit, args=(url, started, events))
    holder.start()
    assert started.wait(10)
    engine = make_engine(url)
    with engine.begin() as conn:
        entered = time.monotonic()
        rows = conn.execute(text("SELECT phone FROM contact")).scalars().all()
    holder.join(10)
    seen = dict(events.get(timeout=5) for _ in range(2))
    assert entered >= seen["a_commits"]  # waited for the holder's whole transaction
    assert rows == ["A"]  # and saw what it committed


def test_threads_take_turns_and_every_write_lands(tmp_path: Path) -> None:
    url = _url(tmp_path)
    engine = make_engine(url)
    create_schema(engine)
    inside = []
    overlap = []

    def write(n: int) -> None:
        for i in range(20):
            with engine.begin() as conn:
                inside.append(n)
                if len(inside) > 1:
                    overlap.append(list(inside))
                conn.execute(INSERT, {"p": f"{n}-{i}"})
                inside.remove(n)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert overlap == []
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM contact")).scalar_one() == 80


def test_a_rollback_and_a_failed_statement_release_the_lock(tmp_path: Path) -> None:
    url = _url(tmp_path)
    engine = make_engine(url)
    create_schema(engine)
    with pytest.raises(Exception, match="no such table"), engine.begin() as conn:
        conn.execute(text("SELECT * FROM no_such_table"))
    conn = engine.connect()
    conn.begin()
    conn.rollback()
    conn.close()
    other = WriterLock(str(tmp_path / "lock.db") + ".lock", timeout=0.5)
    other.acquire(object())  # free again: a separate lock object takes it at once (another process would)


def test_a_held_lock_times_out_as_database_is_locked(tmp_path: Path) -> None:
    path = str(tmp_path / "x.lock")
    holder, waiter = object(), object()
    first = WriterLock(path)
    first.acquire(holder)
    context = multiprocessing.get_context("fork")
    result = context.Queue()

    def try_lock() -> None:
        try:
            WriterLock(path, timeout=0.2).acquire(waiter)
            result.put("acquired")
        except OperationalError as error:
            result.put(str(error.orig))

    process = context.Process(target=try_lock)
    process.start()
    process.join(10)
    assert result.get(timeout=5) == "database is locked"
    first.release(waiter)  # not the holder: nothing happens
    process = context.Process(target=try_lock)
    process.start()
    process.join(10)
    assert result.get(timeout=5) == "database is locked"
    first.release(holder)
    process = context.Process(target=try_lock)
    process.start()
    process.join(10)
    assert result.get(timeout=5) == "acquired"
