"""Every golden transcript (tests/transcripts/*.txt), played against every backend, compared whole.

`make transcripts` (F0CARE_REWRITE_TRANSCRIPTS=1) rewrites the files from what the service sends
today; only the reference backend writes, the others still compare against the file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from f0care.config import load_config
from models.db import create_schema, make_engine
from tests.support import databases
from tests.support.transcript import Backend, compare, deterministic_codes, load, play, rewriting
from tests.support.transcript_android import AndroidBackend
from tests.support.transcript_engine import EngineBackend
from tests.support.transcript_webhook import WebhookBackend

ROOT = Path(__file__).resolve().parents[2]
TRANSCRIPTS = sorted((ROOT / "tests" / "transcripts").glob("*.txt"))
REFERENCE = "webhook-sqlite"  # the backend whose thread `make transcripts` writes
SEED = "golden"  # every transcript draws the same seeded codes: renaming a file changes nothing


def _webhook(db: Engine) -> WebhookBackend:
    url = db.url.render_as_string(hide_password=False)
    return WebhookBackend(load_config(ROOT / "config.yaml", environ={"DATABASE_URL": url}), db)


@contextmanager
def _webhook_on_sqlite(request: pytest.FixtureRequest) -> Iterator[Backend]:
    engine = make_engine("sqlite://")
    create_schema(engine)
    yield _webhook(engine)
    engine.dispose()


@contextmanager
def _webhook_on_postgres(request: pytest.FixtureRequest) -> Iterator[Backend]:
    engine: Engine = request.getfixturevalue("postgres")
    try:
        yield _webhook(engine)
    finally:
        databases.truncate_all(engine)


@contextmanager
def _android_on_sqlite(request: pytest.FixtureRequest) -> Iterator[Backend]:
    engine = make_engine("sqlite://")
    create_schema(engine)
    url = engine.url.render_as_string(hide_password=False)
    yield AndroidBackend(load_config(ROOT / "config.yaml", environ={"DATABASE_URL": url}), engine)
    engine.dispose()


# name -> how to open it. A backend that needs no database (the pure engine) is one more entry.
@contextmanager
def _pure_engine(request: pytest.FixtureRequest) -> Iterator[Backend]:
    yield EngineBackend(load_config(ROOT / "config.yaml", environ={"DATABASE_URL": "sqlite://"}))


BACKENDS: dict[str, Callable[[pytest.FixtureRequest], AbstractContextManager[Backend]]] = {
    "pure-engine": _pure_engine,
    "webhook-sqlite": _webhook_on_sqlite,
    "webhook-postgres": _webhook_on_postgres,
    "android-sqlite": _android_on_sqlite,  # the same threads through POST /sms/android, replies by the outbox
}
MARKS = {"webhook-postgres": [pytest.mark.postgres]}


@pytest.fixture(params=[pytest.param(name, id=name, marks=MARKS.get(name, [])) for name in BACKENDS])
def backend(request: pytest.FixtureRequest) -> Iterator[tuple[str, Backend]]:
    with BACKENDS[request.param](request) as opened:
        yield request.param, opened


def test_there_are_golden_transcripts_for_every_story() -> None:
    assert len(TRANSCRIPTS) >= 12, [path.name for path in TRANSCRIPTS]


@pytest.mark.parametrize("path", TRANSCRIPTS, ids=[path.stem for path in TRANSCRIPTS])
def test_the_service_sends_exactly_the_thread_of_the_golden_transcript(
    path: Path, backend: tuple[str, Backend], monkeypatch: pytest.MonkeyPatch
) -> None:
    name, opened = backend
    transcript = load(path)
    codes = deterministic_codes(monkeypatch, seed=SEED)
    compare(transcript, play(transcript, opened, codes), rewrite=rewriting() and name == REFERENCE)
