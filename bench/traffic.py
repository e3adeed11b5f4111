"""Signed Twilio webhook posts, generated ahead of time: one line per request, `signature<TAB>form body`.

Each round visits every patient once, in a shuffled order; what a phone sends depends on its
profile and the round: a compact declaration (green or yellow), a red one, or a step-by-step
declaration ("KB", then one answer per round, in order because rounds follow one another).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.service import Seeded
from tests.support import signing
from tests.support.service import ACCOUNT_SID, AUTH_TOKEN, SERVICE_NUMBER

PROFILES = (("green", 0.75), ("yellow", 0.10), ("step", 0.10), ("red", 0.05))
STEP_ANSWERS = ("98", "18", "86", "37.2", "0", "0")


@dataclass(frozen=True)
class Post:
    phone: str
    code: str
    body: str
    kind: str


def profile(rng: random.Random) -> str:
    roll, total = rng.random(), 0.0
    for name, share in PROFILES:
        total += share
        if roll < total:
            return name
    return PROFILES[0][0]


def compact(kind: str, rng: random.Random) -> str:
    spo2 = rng.choice((97, 98, 98, 99))
    breaths, pulse = rng.randint(15, 19), rng.randint(68, 96)
    temp = rng.choice(("36.6", "36.8", "37", "37.2", "37,4"))
    if kind == "yellow":
        temp = rng.choice(("38.6", "38.8", "39"))
    signs = "4" if kind == "yellow" and rng.random() < 0.5 else "0"
    if kind == "red":
        return f"{rng.choice((93, 94, 95))} {rng.randint(21, 26)} {pulse} {temp} 1 0"
    return f"{spo2} {breaths} {pulse} {temp} 0 {signs}"


def plan(patients: Sequence[Seeded], rounds: int, seed: int = 7) -> list[Post]:
    """`rounds` shuffled passes over the patients (one post per patient per pass)."""
    rng = random.Random(seed)
    kinds = {p.phone: profile(rng) for p in patients}
    posts: list[Post] = []
    for r in range(rounds):
        order = list(patients)
        rng.shuffle(order)
        for p in order:
            kind = kinds[p.phone]
            if kind == "step":
                body = "KB" if r == 0 else STEP_ANSWERS[(r - 1) % len(STEP_ANSWERS)]
            else:
                body = compact(kind, rng)
            posts.append(Post(p.phone, p.code, body, kind))
    return posts


class Signer:
    """Signed forms of posts to one URL, each with a new MessageSid (`prefix` keeps the sids of two files apart)."""

    def __init__(self, url: str, prefix: str) -> None:
        self.signer = signing.Signer(AUTH_TOKEN, url)
        self.prefix = prefix
        self.n = 0

    def sign(self, post: Post) -> tuple[str, str, str]:
        """(signature, form body, MessageSid)."""
        self.n += 1
        sid = f"SM{self.prefix}{self.n:0{32 - len(self.prefix)}x}"
        params = signing.inbound_form(post.phone, SERVICE_NUMBER, post.body, sid, ACCOUNT_SID)
        return *self.signer.encoded(params), sid


def write(path: Path, posts: Sequence[Post], url: str, prefix: str) -> None:
    """The request file the load generators read."""
    signer = Signer(url, prefix)
    with path.open("w", encoding="ascii") as out:
        for post in posts:
            signature, body, _sid = signer.sign(post)
            out.write(f"{signature}\t{body}\n")
