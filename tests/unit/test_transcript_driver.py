"""The golden-transcript driver itself, against a scripted backend: reading, playing, comparing, rewriting."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from tests.support.transcript import Codes, Outgoing, TranscriptError, compare, load, play

HANOI = timezone(timedelta(hours=7))
HEADER = "# A test thread\nphone patient 0987654321\nphone doctor 0912000001\nat 2026-12-01 08:00 +07:00\n"


class EchoBackend:
    """Replies 'got <text> at HH:MM'; a job named `alert` texts the doctor and an unnamed phone."""

    def __init__(self) -> None:
        self.pending: list[Outgoing] = []
        self.calls: list[tuple[str, str, datetime]] = []

    def send(self, phone: str, text: str, now: datetime) -> None:
        self.calls.append((phone, text, now))
        self.pending.append(Outgoing(phone, f"got {text} at {now:%H:%M}"))

    def run_job(self, name: str, now: datetime) -> None:
        self.calls.append(("job", name, now))
        if name == "alert":
            self.pending += [Outgoing("+84912000001", "line one\nline two"), Outgoing("+84912000099", "on call")]

    def drain(self) -> list[Outgoing]:
        sent, self.pending = self.pending, []
        return sent


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "thread.txt"
    path.write_text(text, encoding="utf-8")
    return path


def test_playing_a_transcript_writes_each_message_after_the_input_that_caused_it(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + "patient> DK\npatient< an old reply\n@ +31m\n# a comment\nrun alert\n")
    backend = EchoBackend()
    thread = play(load(path), backend, Codes("seed"))
    assert thread == HEADER + (
        "patient> DK\npatient< got DK at 08:00\n@ +31m\n# a comment\nrun alert\n"
        "doctor< line one\\nline two\n+84912000099< on call\n"
    )
    assert backend.calls[0] == ("+84987654321", "DK", datetime(2026, 12, 1, 8, 0, tzinfo=HANOI))
    assert backend.calls[1] == ("job", "alert", datetime(2026, 12, 1, 8, 31, tzinfo=HANOI))


def test_a_thread_that_differs_fails_with_a_unified_diff_and_leaves_the_file_alone(tmp_path: Path) -> None:
    original = HEADER + "patient> DK\npatient< the old wording\n"
    path = write(tmp_path, original)
    transcript = load(path)
    with pytest.raises(pytest.fail.Exception) as failed:
        compare(transcript, play(transcript, EchoBackend(), Codes("seed")), rewrite=False)
    assert "-patient< the old wording\n+patient< got DK at 08:00" in str(failed.value)
    assert path.read_text(encoding="utf-8") == original


def test_rewrite_mode_writes_the_produced_thread_and_the_next_run_matches(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + "patient> DK\npatient< the old wording\n")
    transcript = load(path)
    compare(transcript, play(transcript, EchoBackend(), Codes("seed")), rewrite=True)
    assert path.read_text(encoding="utf-8").endswith("patient> DK\npatient< got DK at 08:00\n")
    again = load(path)
    compare(again, play(again, EchoBackend(), Codes("seed")), rewrite=False)


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("phone patient 0987654321\n", "the first line is the title"),
        ("# t\nphone patient 12\n", "is not a phone number"),
        ("# t\nphone patient 0987654321\npatient> DK\n", "set the clock first"),
        (HEADER + "nurse> DK\n", "cannot read"),
        (HEADER + "@ soon\n", "cannot read"),
    ],
)
def test_a_transcript_that_cannot_be_read_names_the_file_and_line(tmp_path: Path, text: str, complaint: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(TranscriptError, match=complaint) as error:
        play(load(path), EchoBackend(), Codes("seed"))
    assert "thread.txt:" in str(error.value)


def test_codes_depend_on_the_message_not_on_how_often_the_service_asks() -> None:
    eager, lazy = Codes("seed"), Codes("seed")
    for _ in range(3):
        eager.next_message()
        lazy.next_message()
        eager.new_otp()
        eager.new_otp()
    assert eager.new_otp() == lazy.new_otp()
    assert eager.new_code() == lazy.new_code()
    assert eager.new_code() != eager.new_code()  # a taken code is retried with another
    other = Codes("other seed")
    other.message = 3
    assert other.new_otp() != lazy.new_otp()
