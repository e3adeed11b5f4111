"""Fire one scheduled job the way `f0care scheduler` does at its time: outbox "external", so the job
only queues and the `f0care worker` processes deliver. Prints one JSON line: what it queued, how long
queueing took, and this process's peak memory.

    python -m bench.fire_job --config CONFIG --at 2026-11-25T07:00 [--job morning-prompts]
"""

from __future__ import annotations

import argparse
import json
import os
import time

from tests.support.processes import peak_rss_mb


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", required=True)
    parser.add_argument("--at", required=True, help="local time YYYY-MM-DDTHH:MM")
    parser.add_argument("--job", default="morning-prompts")
    args = parser.parse_args()
    started = time.time()

    from f0care.cli.jobs import _context, parse_at
    from f0care.config import load_config
    from scheduler.runner import run_named

    config = load_config(args.config)
    jctx, _outbox = _context(config, "external")  # as `f0care scheduler` builds it
    moment = parse_at(args.at, config.service.timezone)
    assert moment is not None
    job_started = time.time()
    report = run_named(jctx, args.job, moment)
    finished = time.time()
    peak_mb = peak_rss_mb(os.getpid()) or 0.0  # VmHWM: getrusage's maxrss counts the forking parent
    print(
        "JOB_RESULT "
        + json.dumps(
            {
                "queued": report.queued,
                "skipped": report.skipped,
                "startup_s": round(job_started - started, 3),
                "queue_s": round(finished - job_started, 3),
                "peak_mb": round(peak_mb, 1),
            }
        ),
        flush=True,
    )


if __name__ == "__main__":
    main()
