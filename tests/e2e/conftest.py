"""The processes an end-to-end test starts: stopped at the end, their output printed when the test failed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.processes import Processes


@pytest.fixture
def procs(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Processes]:
    """Start processes with `procs.start` or tests.support.service; logs and working directory in tmp_path."""
    failed_before = request.session.testsfailed
    with Processes(tmp_path, cwd=tmp_path) as started:
        try:
            yield started
        finally:
            # The call phase's report is counted before teardown runs: print only when this test failed.
            if request.session.testsfailed > failed_before:
                started.dump_logs()
