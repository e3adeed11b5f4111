"""Profile the webhook's hot path in one process: the real app (f0care.wsgi's make_app), signed posts.

    python -m bench.profile_inbound [--db sqlite|postgres] [--patients 20000] [--requests 2000] [--html out.html]

Seeds a fresh database like the webhook benchmark, then sends the same mix of signed posts through
the WSGI app (werkzeug's test client: no sockets, so only the service's own work is profiled) under
pyinstrument when installed, else cProfile. Prints the per-request time and the profile.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl
from zoneinfo import ZoneInfo

from bench import traffic
from bench.service import TIMEZONE, bench_config, fresh_database, seed, upgrade
from bench.webhook import HISTORY_DAYS
from tests.support.service import service_env


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    p.add_argument("--patients", type=int, default=20_000)
    p.add_argument("--requests", type=int, default=2000)
    p.add_argument("--html", type=Path, help="also write pyinstrument's HTML report here")
    p.add_argument("--cprofile", action="store_true", help="use cProfile even when pyinstrument is installed")
    p.add_argument("--time-only", action="store_true", help="no profiler: the plain time per request")
    p.add_argument(
        "--lock-time", action="store_true", help="time inside the write transaction (SQLite: the writer lock)"
    )
    p.add_argument("--wal", action="store_true", help="PostgreSQL: WAL records, full-page images and bytes per request")
    p.add_argument("--statements", action="store_true", help="count the SQL statements per request, show one")
    p.add_argument("--breakdown", action="store_true", help="cProfile's own time per layer (driver, SQLAlchemy, ...)")
    p.add_argument("--dump", type=Path, help="with --cprofile: also write the raw stats here (pstats, snakeviz)")
    args = p.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="f0prof-"))
    public = "http://127.0.0.1:9"
    with fresh_database(args.db, workdir, "profile") as url:
        config = bench_config(workdir, url, public, "http://127.0.0.1:9")
        upgrade(config)
        today = datetime.now(ZoneInfo(TIMEZONE)).date()
        patients = seed(url, args.patients, today, history_days=HISTORY_DAYS)
        posts = traffic.plan(patients, 1)[: args.requests + 200]
        os.environ.update(service_env(config))
        from f0care.wsgi import make_app

        client = make_app().test_client()
        signer = traffic.Signer(public + "/sms/twilio", "cc")
        signed = []
        for post in posts:
            signature, body, _sid = signer.sign(post)
            signed.append((signature, dict(parse_qsl(body, keep_blank_values=True))))

        def send(batch: list[tuple[str, dict[str, str]]]) -> None:
            for signature, form in batch:
                response = client.post("/sms/twilio", data=form, headers={"X-Twilio-Signature": signature})
                assert response.status_code == 200, response.status_code

        send(signed[:200])  # warm-up: imports, first queries
        work = signed[200:]
        if measure_only(args, url, client, work, send):
            return
        started = time.perf_counter()
        use_pyinstrument = not args.cprofile
        try:
            from pyinstrument import Profiler
        except ImportError:
            use_pyinstrument = False
        if args.time_only:
            cpu = time.process_time()
            send(work)
            elapsed = time.perf_counter() - started
            print(f"CPU {(time.process_time() - cpu) / len(work) * 1000:.2f} ms per request")
        elif use_pyinstrument:
            profiler = Profiler(interval=0.0005)
            profiler.start()
            send(work)
            profiler.stop()
            elapsed = time.perf_counter() - started
            print(profiler.output_text(unicode=True, color=False, show_all=False, timeline=False))
            if args.html:
                args.html.write_text(profiler.output_html(), encoding="utf-8")
        else:
            prof = cProfile.Profile()
            prof.enable()
            send(work)
            prof.disable()
            elapsed = time.perf_counter() - started
            out = io.StringIO()
            pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(40)
            if args.dump:
                prof.dump_stats(args.dump)
            print(out.getvalue())
        print(f"{len(work)} requests in {elapsed:.2f} s: {elapsed / len(work) * 1000:.2f} ms per request ({args.db})")


def measure_only(args: argparse.Namespace, url: str, client: object, work: list[Any], send: object) -> bool:
    """The measurements that replace the profile (--lock-time, --wal, --statements, --breakdown)."""
    if args.lock_time:
        transaction_time(make_engine_of(client), work, send)
    elif args.wal:
        wal_volume(url, work, send)
    elif args.statements:
        count_statements(make_engine_of(client), work, send)
    elif args.breakdown:
        breakdown(work, send, args.db)
    else:
        return False
    return True


LAYERS = (  # (layer, what a profiled function's file or name contains), first match wins
    ("database driver (sqlite3 / psycopg, C)", ("sqlite3.", "psycopg", "socket", "select.")),
    ("SQLAlchemy + SQLModel", ("/sqlalchemy/", "/sqlmodel/")),
    ("dialog engine (dialogs/)", ("/dialogs/",)),
    ("service glue (f0care/, models/, sms_gateway/)", ("/f0care/", "/models/", "/sms_gateway/")),
    ("phone numbers (phonenumbers)", ("/phonenumbers/",)),
    ("signature check (twilio)", ("/twilio/", "hmac", "hashlib", "_hashlib")),
    ("Flask + werkzeug (+ test client)", ("/flask/", "/werkzeug/", "/urllib/")),
)


def breakdown(work: list[tuple[str, dict[str, str]]], send: object, db: str) -> None:
    """Sum cProfile's own time (tottime) per layer: where a webhook's time goes, by code owner."""
    prof = cProfile.Profile()
    prof.enable()
    send(work)  # type: ignore[operator]
    prof.disable()
    stats = pstats.Stats(prof).stats  # type: ignore[attr-defined]
    totals: dict[str, float] = {}
    for (filename, _line, name), (_cc, _nc, tottime, _ct, _callers) in stats.items():
        where = f"{filename} {name}"
        layer = next((label for label, marks in LAYERS if any(m in where for m in marks)), "other (stdlib, builtins)")
        totals[layer] = totals.get(layer, 0.0) + tottime
    whole = sum(totals.values())
    print(f"own time per request by layer, cProfile, {len(work)} requests ({db}):")
    for layer, seconds in sorted(totals.items(), key=lambda item: -item[1]):
        print(f"  {layer:<48} {seconds / len(work) * 1000:6.3f} ms  {seconds / whole:5.1%}")


def make_engine_of(client: object) -> object:
    app = client.application  # type: ignore[attr-defined]
    return app.extensions["f0care"].db


def transaction_time(engine: object, work: list[tuple[str, dict[str, str]]], send: object) -> None:
    """Wall time from BEGIN to COMMIT or ROLLBACK per request: on SQLite the writer lock is held that
    long, and the web workers queue for it, so this bounds the throughput of several workers."""
    from sqlalchemy import event

    began: list[float] = []
    held: list[float] = []

    def _begin(conn):  # type: ignore[no-untyped-def]
        began.append(time.perf_counter())

    def _end(conn):  # type: ignore[no-untyped-def]
        if began:
            held.append(time.perf_counter() - began.pop())

    event.listen(engine, "begin", _begin)
    event.listen(engine, "commit", _end)
    event.listen(engine, "rollback", _end)
    cpu, started = time.process_time(), time.perf_counter()
    send(work)  # type: ignore[operator]
    whole = time.perf_counter() - started
    print(f"CPU {(time.process_time() - cpu) / len(work) * 1000:.3f} ms per request")
    print(f"{len(held)} transactions, {sum(held) / len(work) * 1000:.3f} ms per request inside them")
    print(f"{whole / len(work) * 1000:.3f} ms per request in all")


def wal_volume(url: str, work: list[tuple[str, dict[str, str]]], send: object) -> None:
    """The WAL the requests in `work` write, from pg_stat_wal, after a checkpoint (so every first write to
    a page after it pays its full-page image, as after each checkpoint in production)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    query = text("SELECT wal_records, wal_fpi, wal_bytes FROM pg_stat_wal")
    with engine.connect() as conn:
        conn.execute(text("CHECKPOINT"))
        before = conn.execute(query).one()
        send(work)  # type: ignore[operator]
        after = conn.execute(query).one()
    engine.dispose()
    records, images, size = (int(a) - int(b) for a, b in zip(after, before, strict=True))
    n = len(work)
    print(f"{n} requests: {records / n:.1f} WAL records, {images / n:.2f} full-page images, ", end="")
    print(f"{size / n:,.0f} bytes per request")


def count_statements(engine: object, work: list[tuple[str, dict[str, str]]], send: object) -> None:
    """Every statement the database receives (pool pings and BEGIN included) for the requests in `work`."""
    from sqlalchemy import event

    seen: list[str] = []

    @event.listens_for(engine, "before_cursor_execute")
    def _count(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        seen.append(" ".join(statement.split())[:110])

    @event.listens_for(engine, "commit")
    def _commit(conn):  # type: ignore[no-untyped-def]
        seen.append("COMMIT")

    first = next(i for i, (_sig, form) in enumerate(work) if form["Body"][:1].isdigit())
    send([work[first]])  # type: ignore[operator]
    print(f"one compact declaration ({work[first][1]['Body']!r}), {len(seen)} statements:")
    for line in seen:
        print("   ", line)
    seen.clear()
    rest = work[first + 1 :]
    send(rest)  # type: ignore[operator]
    print(f"{len(seen) / len(rest):.1f} statements per request over {len(rest)} requests of the load mix")


if __name__ == "__main__":
    main()
