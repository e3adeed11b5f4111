"""Browser tests: Playwright drives Debian's Chromium against the app served on loopback (one server per module).

Fixtures: `live` (module scope: the app on a SQLite file, or PostgreSQL for modules that ask with
`live_database = "postgres"`), `browser_type_launch_args` (Debian's Chromium), and `login_staff`
(logs a page in as a staff member with the code read from the recording sender).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

from dialogs.phones import normalize_phone
from models.db import create_schema, make_engine
from tests.conftest import T0
from tests.support import databases
from tests.support.browser import LAUNCH_ARGS, LiveServer, live_server


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests are end-to-end tests (`make test-fast` skips them), and run last: Playwright's sync
    API keeps its event loop running in the main thread until the session ends, and a later test
    that runs an asyncio loop of its own (the HTTP stubs) would fail with "another loop is running"."""
    here = Path(__file__).parent
    mine = [item for item in items if here in Path(str(item.fspath)).parents]
    for item in mine:
        item.add_marker(pytest.mark.e2e)
    items[:] = [item for item in items if item not in mine] + mine


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """pytest-playwright's launch options, with Debian's Chromium instead of a downloaded browser."""
    return {**browser_type_launch_args, **LAUNCH_ARGS}


@pytest.fixture(scope="module")
def live(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The app served for this module's tests, on a fresh database, at 08:00 in Hanoi (the suite's T0)."""
    kind = getattr(request.module, "live_database", "sqlite")
    if kind == "postgres":
        base = databases.postgres_url()
        if base is None:
            pytest.skip(databases.POSTGRES_SKIPPED)
        url = databases.create_database(base)
        engine = databases.open_database(url)
        try:
            with live_server(engine, T0) as server:
                yield server
        finally:
            engine.dispose()
            databases.drop_database(base, str(url.database))
        return
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('live') / 'f0care.db'}")
    create_schema(engine)
    with live_server(engine, T0) as server:
        yield server
    engine.dispose()


@pytest.fixture
def login_staff(live: LiveServer) -> Callable[[Page, str], None]:
    """`login_staff(page, "0912000002")`: the page logs in at /staff/login with the SMS code."""

    def log_in(page: Page, phone: str) -> None:
        page.goto(live.url("/staff/login"))
        page.fill("input[name=phone]", phone)
        page.click("button[type=submit]")
        page.fill("input[name=code]", live.last_code(_e164(live, phone)))
        page.click("button[type=submit]")
        page.wait_for_url(live.url("/staff/"))

    return log_in


def _e164(live: LiveServer, phone: str) -> str:
    found = normalize_phone(phone, live.runtime.config.service.country)
    assert found is not None
    return found
