"""One outbound budget for every sender: a token bucket kept in the database (table send_budget).

gateway.max_per_second holds across the threads and processes that deliver the outbox (several
`f0care worker`s, a `serve`). Taking tokens is one short write transaction: the bucket's row
is locked (PostgreSQL: FOR UPDATE; SQLite: the one writer), refilled for the time since it was
last counted, and lowered. A sender takes what the rest of its batch needs in one go (up to
AHEAD_SECONDS of the rate) and keeps the surplus for its next messages, so an unconstrained
outbox pays one transaction per batch, and a constrained one holds almost nothing back.
Time is the wall clock (seconds since the epoch): the workers of one database share it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, Engine

from models.tables import SendBudget
from sms_gateway.outbox.rules import refill

BUDGET = SendBudget.__table__  # type: ignore[attr-defined]
OUTBOUND = "outbound"
LONGEST_NAP = 1.0  # seconds: look again at least this often
# A sender takes at most this long's worth of tokens ahead of its need: what it holds unused is
# a burst beyond the bucket's, so keep it small (at 10 a second: none; unconstrained: a batch).
AHEAD_SECONDS = 0.05


class SharedBudget:
    """`per_second` segments a second for all senders of `db` together, after a burst of `capacity`."""

    def __init__(
        self,
        db: Engine,
        per_second: float,
        capacity: float,
        name: str = OUTBOUND,
        now: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.db = db
        self.rate = per_second
        self.capacity = max(1.0, capacity)
        self.name = name
        self._now = now
        self._sleep = sleep
        self._reserve = 0.0  # taken from the bucket, not yet used by this process
        self._lock = threading.Lock()

    def acquire(self, segments: int = 1, ahead: int = 0) -> None:
        """Block until `segments` may be sent; `ahead` more are about to follow (taken too when free)."""
        need = min(float(segments), self.capacity)
        with self._lock:
            while self._reserve < need:
                short = need - self._reserve
                self._reserve += self.take(short + min(max(0, ahead), self.rate * AHEAD_SECONDS))
                if self._reserve < need:
                    self._sleep(min(LONGEST_NAP, (need - self._reserve) / self.rate))
            self._reserve -= need

    def take(self, wanted: float) -> float:
        """Take up to `wanted` tokens from the shared bucket now; how many were taken."""
        with self.db.begin() as conn:
            tokens, stamp = self._row(conn)
            now = max(self._now(), stamp)
            available = refill(tokens, now - stamp, self.rate, self.capacity)
            taken = min(wanted, available)
            conn.execute(update(BUDGET).where(BUDGET.c.name == self.name).values(tokens=available - taken, stamp=now))
        return taken

    def _row(self, conn: Connection) -> tuple[float, float]:
        """The bucket's (tokens, stamp), locked for this transaction; a full bucket the first time."""
        query = select(BUDGET.c.tokens, BUDGET.c.stamp).where(BUDGET.c.name == self.name)
        if conn.dialect.name == "postgresql":
            query = query.with_for_update()
        row = conn.execute(query).first()
        if row is None:
            insert = postgresql_insert if conn.dialect.name == "postgresql" else sqlite_insert
            full = {"name": self.name, "tokens": self.capacity, "stamp": self._now()}
            conn.execute(insert(BUDGET).values(full).on_conflict_do_nothing(index_elements=["name"]))
            row = conn.execute(query).one()  # ours, or the row another sender inserted meanwhile
        return float(row.tokens), float(row.stamp)
