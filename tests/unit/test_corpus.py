"""The corpus of what patients write (tests/data/corpus.yaml): no emergency under-read, the report current."""

from __future__ import annotations

import pytest

from tests.corpus_report import REPORT, Outcome, load_cases, read_all, report, under_read_emergencies


@pytest.fixture(scope="module")
def outcomes() -> list[Outcome]:
    return read_all()


def test_the_corpus_holds_at_least_300_messages_of_every_kind() -> None:
    cases = load_cases()
    assert len(cases) >= 300
    assert {c.reading for c in cases} == {"emergency", "answers", "partial", "keyword", "not_understood"}


def test_no_emergency_in_the_corpus_is_under_read(outcomes: list[Outcome]) -> None:
    assert [o.case.text for o in under_read_emergencies(outcomes)] == []


def test_no_harmless_message_in_the_corpus_raises_a_false_alarm(outcomes: list[Outcome]) -> None:
    false_alarms = [o.case.text for o in outcomes if o.reading == "emergency" and o.case.reading != "emergency"]
    assert false_alarms == []


def test_at_least_98_percent_of_the_corpus_is_read_as_intended(outcomes: list[Outcome]) -> None:
    intended = sum(o.verdict == "intended" for o in outcomes)
    assert intended / len(outcomes) >= 0.98


def test_docs_corpus_md_is_the_report_of_the_corpus_as_read_today(outcomes: list[Outcome]) -> None:
    assert REPORT.read_text(encoding="utf-8") == report(outcomes), "run: python -m tests.corpus_report"
