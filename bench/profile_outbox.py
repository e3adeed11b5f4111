"""Profile one outbox sender delivering the morning prompts: what `f0care worker` does per message.

    python -m bench.profile_outbox [--db sqlite|postgres] [--patients 3000] [--quiet-twilio-log] [--html out.html]

Seeds N patients, queues the day's prompts with the real job (outbox "external"), starts the fast
stub, then runs `Outbox.deliver_pending()` of the runtime `f0care worker` builds, under pyinstrument
(cProfile without it), with logging configured as the `f0care` command does (INFO), so the profile
shows what the worker pays per message. `--quiet-twilio-log` raises twilio.http_client to WARNING.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import logging
import os
import pstats
import tempfile
import time
from datetime import datetime
from datetime import time as dtime
from pathlib import Path
from zoneinfo import ZoneInfo

from bench.service import TIMEZONE, bench_config, fresh_database, seed, upgrade
from tests.support.processes import Processes
from tests.support.service import service_env, stub_process


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    p.add_argument("--patients", type=int, default=3000)
    p.add_argument("--quiet-twilio-log", action="store_true")
    p.add_argument("--html", type=Path)
    p.add_argument("--time-only", action="store_true", help="no profiler: the plain time per message")
    p.add_argument("--job", action="store_true", help="profile the morning-prompts job (queueing) instead")
    args = p.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="f0prof-"))
    logging.basicConfig(
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        filename=str(workdir / "worker.log"),  # as `f0care worker > file` would write it
    )
    if args.quiet_twilio_log:
        logging.getLogger("twilio.http_client").setLevel(logging.WARNING)
    with (
        Processes(workdir) as procs,
        fresh_database(args.db, workdir, "profile_outbox") as url,
        stub_process(procs, "--no-bodies") as (_p, stub_url),
    ):
        config_path = bench_config(workdir, url, "http://127.0.0.1:9", stub_url)
        upgrade(config_path)
        tz = ZoneInfo(TIMEZONE)
        now = datetime.combine(datetime.now(tz).date(), dtime(7, 0), tz)  # the job's time, outside quiet hours
        seed(url, args.patients, now.date())
        os.environ.update(service_env(config_path))
        from f0care.config import load_config
        from f0care.runtime import build_runtime, job_context
        from scheduler.runner import run_named

        config = load_config(config_path)
        jctx = job_context(build_runtime(config, outbox_mode="external"))  # as `f0care scheduler` builds it
        if args.job:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.0005)
            started = time.perf_counter()
            profiler.start()
            report = run_named(jctx, "morning-prompts", now)
            profiler.stop()
            print(profiler.output_text(unicode=True, color=False))
            print(f"{report} in {time.perf_counter() - started:.2f} s ({args.db}, {args.patients} patients)")
            return
        queued = run_named(jctx, "morning-prompts", now)
        outbox = build_runtime(config).outbox  # what `f0care worker` builds
        started = time.perf_counter()
        if args.time_only:
            sent = outbox.deliver_pending()
        else:
            try:
                from pyinstrument import Profiler

                profiler = Profiler(interval=0.0005)
                profiler.start()
                sent = outbox.deliver_pending()
                profiler.stop()
                print(profiler.output_text(unicode=True, color=False))
                if args.html:
                    args.html.write_text(profiler.output_html(), encoding="utf-8")
            except ImportError:
                prof = cProfile.Profile()
                prof.enable()
                sent = outbox.deliver_pending()
                prof.disable()
                out = io.StringIO()
                pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(40)
                print(out.getvalue())
        elapsed = time.perf_counter() - started
        print(
            f"{queued}; {sent} sent in {elapsed:.2f} s: {elapsed / max(1, sent) * 1000:.2f} ms per message ({args.db})"
        )


if __name__ == "__main__":
    main()
