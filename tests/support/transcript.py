"""Golden transcripts: an SMS thread in a text file, played against the service and compared whole.

A transcript reads like the thread on the phones (tests/transcripts/*.txt):

    # Self-registration: a patient registers on her own phone
    phone patient 0987654321
    phone doctor 0912000001
    at 2026-12-01 08:00 +07:00

    patient> DK
    patient< Dang ky theo doi F0 tai nha (gui HUY de dung). 1/7: Ho ten nguoi benh?
    @ +31m
    run ack-watch

- `# ...` the first line is the title; later `#` lines and blank lines are comments, kept as written.
- `phone <alias> <number>` names a phone (any Vietnamese format; the webhook gets E.164).
- `at <YYYY-MM-DD HH:MM> <+HH:MM>` sets the clock; `@ +<n><s|m|h|d>` moves it forward.
- `<alias>> <text>` an SMS from that phone; `run <job>` a scheduled job at the current time.
- `<alias>< <text>` an SMS the service sent to that phone. These lines are output: the driver
  writes every message the service sent after the input that caused it (the reply to the sender
  first, then the others in the order they were sent); a message to a phone the transcript does
  not name shows its E.164 number instead of an alias. A line break inside a message reads `\\n`.

`play` replays the input lines against a `Backend` and renders the thread the service produces;
the test compares it with the file, or rewrites the file (F0CARE_REWRITE_TRANSCRIPTS=1).
"""

from __future__ import annotations

import difflib
import os
import random
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol

import pytest

from dialogs.phones import normalize_phone
from dialogs.render import CODE_FIRST, CODE_REST

REWRITE_ENV = "F0CARE_REWRITE_TRANSCRIPTS"
_SAYS = re.compile(r"^(?P<who>[A-Za-z][\w-]*|\+\d+)(?P<way>[<>])(?: (?P<text>.*))?$")
_PHONE = re.compile(r"^phone (?P<alias>[A-Za-z][\w-]*) (?P<number>.+)$")
_AT = re.compile(r"^at (?P<when>\d{4}-\d\d-\d\d \d\d:\d\d [+-]\d\d:\d\d)$")
_MOVE = re.compile(r"^@ \+(?P<amount>\d+)(?P<unit>[smhd])$")
_RUN = re.compile(r"^run (?P<job>[a-z0-9-]+)$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


@dataclass(frozen=True)
class Outgoing:
    """One SMS the service sent: to whom (E.164) and what."""

    phone: str
    text: str


class Backend(Protocol):
    """What runs a transcript: the service behind the webhook, or (later) the pure engine."""

    def send(self, phone: str, text: str, now: datetime) -> None:
        """Deliver one SMS from `phone` (E.164) to the service at `now`."""

    def run_job(self, name: str, now: datetime) -> None:
        """Run the scheduled job `name` at `now`."""

    def drain(self) -> list[Outgoing]:
        """The messages sent since the last call: the reply to the sender first, then the others in order."""


class TranscriptError(ValueError):
    """A transcript file that cannot be read; the message names the file and line."""


@dataclass(frozen=True)
class Transcript:
    path: Path
    lines: tuple[str, ...]  # every line of the file except the output lines (`alias< ...`)
    phones: dict[str, str]  # alias -> E.164

    @property
    def title(self) -> str:
        return self.lines[0].removeprefix("#").strip() if self.lines else ""


def load(path: Path) -> Transcript:
    """Read a transcript file, keeping its input and comments; output lines are dropped."""
    kept: list[str] = []
    phones: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        says = _SAYS.match(line)
        if says and says["way"] == "<":
            continue
        phone = _PHONE.match(line)
        if phone:
            e164 = normalize_phone(phone["number"], "VN")
            if e164 is None:
                raise TranscriptError(f"{path.name}:{number}: {phone['number']!r} is not a phone number")
            phones[phone["alias"]] = e164
        kept.append(line)
    if not kept or not kept[0].startswith("# "):
        raise TranscriptError(f"{path.name}:1: the first line is the title, e.g. '# A patient registers'")
    return Transcript(path, tuple(kept), phones)


class Codes:
    """Seeded patient codes and one-time codes, a fresh pair for each inbound message.

    The values depend on the message's position in the transcript, not on how many times the
    service asks for one while handling it, so a service that asks lazily gets the same codes.
    """

    def __init__(self, seed: str) -> None:
        self.seed = seed
        self.message = 0
        self.asked = 0

    def next_message(self) -> None:
        self.message += 1
        self.asked = 0

    def new_code(self) -> str:
        """A patient code; a second request within one message (a taken code) gets another."""
        self.asked += 1
        rng = random.Random(f"{self.seed}:code:{self.message}:{self.asked}")
        return rng.choice(CODE_FIRST) + "".join(rng.choice(CODE_REST) for _ in range(4))

    def new_otp(self) -> str:
        rng = random.Random(f"{self.seed}:otp:{self.message}")
        return f"{rng.randrange(1_000_000):06d}"


def deterministic_codes(monkeypatch: pytest.MonkeyPatch, seed: str) -> Codes:
    """The one place the service's code generators are replaced (f0care.service.decide.new_code/new_otp)."""
    codes = Codes(seed)
    monkeypatch.setattr("f0care.service.decide.new_code", codes.new_code)
    monkeypatch.setattr("f0care.service.decide.new_otp", codes.new_otp)
    return codes


def play(transcript: Transcript, backend: Backend, codes: Codes) -> str:
    """Run the transcript's input against `backend`; returns the thread as the file should read."""
    aliases = {e164: alias for alias, e164 in transcript.phones.items()}
    now: datetime | None = None
    out: list[str] = []
    for number, line in enumerate(transcript.lines, start=1):
        out.append(line)
        where = f"{transcript.path.name}:{number}"
        if not line.strip() or line.startswith("#") or _PHONE.match(line):
            continue
        if (at := _AT.match(line)) is not None:
            now = datetime.strptime(at["when"], "%Y-%m-%d %H:%M %z")
            continue
        if now is None:
            raise TranscriptError(f"{where}: set the clock first, e.g. 'at 2026-12-01 08:00 +07:00'")
        if (move := _MOVE.match(line)) is not None:
            now += timedelta(**{_UNITS[move["unit"]]: int(move["amount"])})
            continue
        if (run := _RUN.match(line)) is not None:
            backend.run_job(run["job"], now)
        elif (says := _SAYS.match(line)) is not None and says["who"] in transcript.phones:
            codes.next_message()
            backend.send(transcript.phones[says["who"]], says["text"] or "", now)
        else:
            raise TranscriptError(f"{where}: cannot read {line!r} (see tests/support/transcript.py)")
        out += [f"{aliases.get(sms.phone, sms.phone)}< {_one_line(sms.text)}" for sms in backend.drain()]
    return "\n".join(out) + "\n"


def _one_line(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\n", "\\n")


def rewriting() -> bool:
    return os.environ.get(REWRITE_ENV, "") not in ("", "0")


def compare(transcript: Transcript, produced: str, rewrite: bool) -> None:
    """Fail with a unified diff when the thread differs; with `rewrite`, write the new thread instead."""
    expected = transcript.path.read_text(encoding="utf-8")
    if produced == expected:
        return
    if rewrite:
        transcript.path.write_text(produced, encoding="utf-8")
        return
    diff = difflib.unified_diff(
        expected.splitlines(), produced.splitlines(), "expected (the file)", "produced (the service)", lineterm=""
    )
    name = transcript.path.name
    hint = f"an intended change? `make transcripts` ({REWRITE_ENV}=1) rewrites the file; review its diff"
    pytest.fail(f"{name}: the thread differs from the golden transcript ({hint})\n" + "\n".join(diff), pytrace=False)
