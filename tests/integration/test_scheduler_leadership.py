"""One active scheduler: a second one stands by and takes over when the first lets go."""

from __future__ import annotations

import threading

from sqlalchemy.engine import Engine

from scheduler.leader import Leadership, wait_for_leadership


def test_a_second_scheduler_stands_by_until_the_first_releases_the_lock(db: Engine, tmp_path: object) -> None:
    if db.dialect.name == "sqlite":  # the file lock needs a database file
        from models.db import make_engine

        db = make_engine(f"sqlite:///{tmp_path}/lock.db")
    first, second = Leadership(db), Leadership(db)
    assert first.try_acquire()
    assert not second.try_acquire()
    assert first.still_held()
    stop = threading.Event()
    took_over = threading.Event()

    def standby() -> None:
        if wait_for_leadership(second, stop, every=0.05):
            took_over.set()

    thread = threading.Thread(target=standby)
    thread.start()
    assert not took_over.wait(0.3)
    first.release()
    assert took_over.wait(5), "the standby did not take over"
    stop.set()
    thread.join(5)
    second.release()


def test_a_stopped_standby_gives_up_waiting(db: Engine, tmp_path: object) -> None:
    if db.dialect.name == "sqlite":
        from models.db import make_engine

        db = make_engine(f"sqlite:///{tmp_path}/lock.db")
    first = Leadership(db)
    assert first.try_acquire()
    stop = threading.Event()
    stop.set()
    assert wait_for_leadership(Leadership(db), stop, every=0.05) is False
    first.release()
