"""Values derived once from a long-lived, unhashable object (the program's questions).

The questions are frozen but hold dicts, so `functools.cache` cannot key on them. A service
has one program for its lifetime: keying on the object's identity and keeping a strong
reference (so the identity cannot be reused) makes each derivation run once per program.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")

_SIZE = 16  # programs alive at once: one in a service, a few in a test run


class PerObject(Generic[K, V]):
    """`derive(key)`, computed once per key object (by identity), the oldest forgotten past `_SIZE`."""

    def __init__(self, derive: Callable[[K], V]) -> None:
        self._derive = derive
        self._seen: dict[int, tuple[K, V]] = {}
        self._lock = threading.Lock()  # web workers may share a program across threads

    def __call__(self, key: K) -> V:
        found = self._seen.get(id(key))
        if found is not None and found[0] is key:
            return found[1]
        value = self._derive(key)
        with self._lock:
            if len(self._seen) >= _SIZE:
                del self._seen[next(iter(self._seen))]
            self._seen[id(key)] = (key, value)
        return value
