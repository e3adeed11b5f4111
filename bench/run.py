"""`python -m bench.run [--smoke] [--only NAME] [--db sqlite|postgres|both]`: run the benchmarks, write the report.

Full run: results go to docs/benchmarks.md (each benchmark replaces its own generated block; the
hand-written text around the blocks is kept) and bench/results/<name>.json. `--smoke` runs every
benchmark at a toy size in well under a minute, asserts no timing, and writes its report to a
temporary file: it proves the scripts work (CI).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any

from bench import loadgen, machine, report
from bench.service import BenchError, postgres_base, postgres_problem
from tests.support.processes import ROOT, ProcessError, install_signal_handlers

NAMES = ("webhook", "fanout", "cost", "scaling", "console")  # the alert latency (4) is measured inside "webhook"
ALIASES = {
    "alert": "webhook",
    "alerts": "webhook",
    "throughput": "webhook",
    "fan-out": "fanout",
    "dashboard": "console",
}
RESULTS = ROOT / "bench" / "results"
DOC = ROOT / "docs" / "benchmarks.md"
PLOT = ROOT / "docs" / "benchmarks-scaling.png"
SIZES = "1000,10000,100000"


def log(message: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {message}", flush=True)


def parse(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    p.add_argument("--smoke", action="store_true", help="toy sizes, seconds long, no timing asserted (CI)")
    p.add_argument("--only", action="append", default=[], help=f"one of {', '.join(NAMES)} (alert = webhook)")
    p.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    p.add_argument("--patients", type=int, help="webhook: registered active patients (default 20000; smoke 200)")
    p.add_argument("--fanout-patients", type=int, help="fan-out: active patients (default 100000; smoke 500)")
    p.add_argument("--levels", help="webhook concurrency levels, e.g. 4,16,64")
    p.add_argument("--seconds", type=float, help="webhook: seconds per level (default 15; smoke 1.5)")
    p.add_argument("--web-workers", type=int, help="gunicorn workers (default: gunicorn.conf.py's, 2 x cores)")
    p.add_argument("--senders", type=int, help="fan-out senders (default: 1 on SQLite, 2 on PostgreSQL)")
    p.add_argument("--tool", choices=("auto", "wrk", "python"), default="auto", help="webhook load generator")
    p.add_argument("--scaling-sizes", help="scaling: patient counts, e.g. 1000,10000,100000")
    p.add_argument("--console-patients", type=int, help="console: active patients (default 30000; smoke 300)")
    p.add_argument("--big", action="store_true", help="scaling: also the 1,000,000-patient fan-out")
    p.add_argument("--out", type=Path, help="the report (default docs/benchmarks.md; smoke: a temporary file)")
    p.add_argument("--workdir", type=Path, help="databases, request files and process logs (default: a temp dir)")
    p.add_argument("--keep", action="store_true", help="keep the work directory (logs) after the run")
    p.add_argument("--report-only", action="store_true", help="rewrite the report from bench/results/*.json")
    return p.parse_args(argv)


def settings(args: argparse.Namespace) -> dict[str, Any]:
    smoke = args.smoke
    workers = args.web_workers or (2 if smoke else 2 * (machine.describe()["cores"] or 1))
    return {
        "smoke": smoke,
        "patients": args.patients or (200 if smoke else 20_000),
        "fanout_patients": args.fanout_patients or (200 if smoke else 100_000),
        "levels": tuple(int(x) for x in (args.levels or ("4" if smoke else "4,16,64")).split(",")),
        "seconds": args.seconds or (1.0 if smoke else 15.0),
        "warmup": 0.0 if smoke else 3.0,
        "workers": workers,
        "scaling_sizes": tuple(int(x) for x in (args.scaling_sizes or ("200" if smoke else SIZES)).split(",")),
        "big": args.big and not smoke,
        "console_patients": args.console_patients or (300 if smoke else 30_000),
    }


def databases(choice: str, smoke: bool) -> list[str]:
    wanted = ["sqlite", "postgres"] if choice == "both" else [choice]
    if "postgres" in wanted:
        problem = postgres_problem(postgres_base())
        if problem is not None:
            if choice == "postgres":
                raise BenchError(f"PostgreSQL at {postgres_base()} is unreachable: {problem}")
            log(
                f"PostgreSQL skipped: {problem}. Start it (pg_ctlcluster ... main start) or set "
                "F0CARE_BENCH_POSTGRES_URL=postgresql+psycopg://user@host:5432/postgres"
            )
            wanted.remove("postgres")
    return wanted


def pick_tool(choice: str, smoke: bool) -> str:
    if choice == "python":
        return "python"
    path = loadgen.wrk_path()
    if path is None and not smoke:
        log("wrk is not installed: trying apt-get install wrk")
        path = loadgen.install_wrk()
    if path is None:
        if choice == "wrk":
            raise BenchError("wrk is not installed and could not be installed (apt-get install wrk)")
        log("wrk unavailable: the Python load generator is used (its numbers are lower bounds)")
        return "python"
    return "wrk"


def reproducible(argv: list[str]) -> list[str]:
    """The command line without the options that only say where files go."""
    out, skip = [], False
    for arg in argv:
        if skip:
            skip = False
        elif arg in ("--workdir", "--out"):
            skip = True
        elif arg != "--keep" and not arg.startswith(("--workdir=", "--out=")):
            out.append(arg)
    return out


def rewrite_report(only: list[str], out: Path) -> None:
    """`--report-only`: the report's blocks from the stored results, the plot redrawn."""
    for name in only:
        path = RESULTS / f"{name}.json"
        if path.exists():
            data = json.loads(path.read_text(encoding="utf-8"))
            if name == "scaling" and data.get("plot"):
                from bench import scaling

                scaling.draw(data["points"], PLOT, log)
            report.write(out, name, data, PLOT)
            log(f"{name}: report block rewritten from {path}")


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    only = [ALIASES.get(n, n) for n in args.only] or list(NAMES)
    unknown = [n for n in only if n not in NAMES]
    if unknown:
        print(f"unknown benchmark {unknown[0]!r}; choose from {', '.join(NAMES)} (alert = webhook)", file=sys.stderr)
        return 2
    if args.report_only:
        rewrite_report(only, args.out or DOC)
        return 0
    conf = settings(args)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="f0bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    out = args.out or (workdir / "benchmarks-smoke.md" if args.smoke else DOC)
    plot = (workdir / "benchmarks-scaling.png") if args.smoke else PLOT
    command = ("python -m bench.run " + " ".join(reproducible(argv if argv is not None else sys.argv[1:]))).strip()
    started = time.monotonic()
    install_signal_handlers()
    try:
        dbs = databases(args.db, args.smoke)
        tool = pick_tool(args.tool, args.smoke) if {"webhook", "scaling"} & set(only) else "none"
        info = machine.describe()
        if "postgres" in dbs:
            info["postgres"] = machine.postgres_version(postgres_base())
        log(f"machine: {info['cores']} cores, {info['memory_gb']} GB; databases {', '.join(dbs)}; work dir {workdir}")
        results: dict[str, Any] = {}
        runners: dict[str, Callable[[], dict[str, Any]]] = {
            "webhook": lambda: run_webhook(conf, dbs, tool, workdir),
            "fanout": lambda: run_fanout(conf, dbs, workdir, args.senders),
            "cost": lambda: run_cost(conf, dbs, workdir),
            "scaling": lambda: run_scaling(conf, dbs, tool, workdir, args.senders, results, plot),
            "console": lambda: run_console(conf, dbs, workdir),
        }
        for name in NAMES:
            if name not in only:
                continue
            others = machine.other_load(0.3 if args.smoke else 3.0)
            log(f"{name}: other processes use {others:.0%} of the CPUs before it starts")
            begun = time.monotonic()
            data = runners[name]()
            data["meta"] = {
                "date": datetime.now().astimezone().isoformat(timespec="minutes"),
                "machine": info,
                "command": command,
                "busy_before": round(others, 2),
                "busy": others > machine.BUSY_SHARE,
                "minutes": round((time.monotonic() - begun) / 60, 1),
                "smoke": args.smoke,
                "settings": {k: v for k, v in conf.items()},
            }
            results[name] = data
            if not args.smoke:
                RESULTS.mkdir(exist_ok=True)
                (RESULTS / f"{name}.json").write_text(json.dumps(data, indent=1, default=str), encoding="utf-8")
            report.write(out, name, data, plot)
        log(f"done in {(time.monotonic() - started) / 60:.1f} min; report: {out}")
        return 0
    except ProcessError as error:  # a BenchError, or a process of the benchmark that died
        log(f"benchmark failed: {error}")
        return 1
    finally:
        if not args.keep and not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)
        elif args.keep:
            log(f"logs kept in {workdir}")


def each_db(dbs: list[str], run_one: Callable[[str], list[dict[str, Any]]], parallel: bool) -> list[dict[str, Any]]:
    """Run a benchmark per database: one after the other, or side by side in a smoke run (no timing counts)."""
    if not parallel or len(dbs) < 2:
        return [run for db in dbs for run in run_one(db)]
    with ThreadPoolExecutor(max_workers=len(dbs)) as pool:
        return [run for runs in pool.map(run_one, dbs) for run in runs]


def run_webhook(conf: dict[str, Any], dbs: list[str], tool: str, workdir: Path) -> dict[str, Any]:
    from bench import webhook

    def one(db: str) -> list[dict[str, Any]]:
        plan = webhook.WebhookPlan(
            db,
            conf["patients"],
            conf["levels"],
            conf["seconds"],
            conf["warmup"],
            tool,
            conf["workers"],
            probes=20 if conf["smoke"] else 300,  # 100 fresh a level: 15 s at 5 a second
            alert_wait=3.0 if conf["smoke"] else 10.0,
        )
        log(f"webhook: {db}, {plan.patients} patients, levels {plan.levels}, {plan.seconds:g} s each, {tool}")
        runs = [webhook.run(plan, workdir, log)]
        if db == "sqlite" and not conf["smoke"] and plan.workers != 1:
            # README: "With SQLite, use one web process": the same load on one gunicorn worker, both apps.
            single = dataclasses.replace(plan, workers=1)
            log(f"webhook: sqlite with one gunicorn worker, levels {plan.levels}")
            runs.append(webhook.run(single, workdir, log))
        return runs

    return {"runs": each_db(dbs, one, conf["smoke"])}


def default_senders(db: str, senders: int | None) -> int:
    return senders or (1 if db == "sqlite" else 2)


def run_fanout(conf: dict[str, Any], dbs: list[str], workdir: Path, senders: int | None) -> dict[str, Any]:
    from bench import fanout

    def one(db: str) -> list[dict[str, Any]]:
        plan = fanout.FanoutPlan(db, conf["fanout_patients"], default_senders(db, senders))
        log(f"fan-out: {db}, {plan.patients} patients, {plan.senders} sender(s)")
        return [fanout.run(plan, workdir, log)]

    return {"runs": each_db(dbs, one, conf["smoke"])}


def run_cost(conf: dict[str, Any], dbs: list[str], workdir: Path) -> dict[str, Any]:
    from bench import cost

    log(f"SMS cost: {dbs[0]}")
    return cost.run(dbs[0], workdir, log, smoke=conf["smoke"])


def run_scaling(
    conf: dict[str, Any],
    dbs: list[str],
    tool: str,
    workdir: Path,
    senders: int | None,
    results: dict[str, Any],
    plot: Path,
) -> dict[str, Any]:
    from bench import scaling

    return scaling.run(conf, dbs, tool, workdir, senders, results, plot, log)


def run_console(conf: dict[str, Any], dbs: list[str], workdir: Path) -> dict[str, Any]:
    from bench import console

    def one(db: str) -> list[dict[str, Any]]:
        plan = console.ConsolePlan(db, conf["console_patients"], 7, 10 if conf["smoke"] else 200)
        log(f"console: {db}, {plan.patients} patients, {plan.days} days of declarations, {plan.requests} requests")
        return console.run(plan, workdir, log)

    return {"runs": each_db(dbs, one, False)}


if __name__ == "__main__":
    sys.exit(main())
