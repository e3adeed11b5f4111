"""The `f0care` command: serve, db upgrade, check-config, simulate, outbox, texts."""

from __future__ import annotations

import json
import signal
import sys
import threading
from typing import Any
from zoneinfo import ZoneInfo

import click
from sqlmodel import Session
from werkzeug.serving import run_simple

from dialogs.phones import normalize_phone
from f0care.app import create_app
from f0care.cli.common import EXIT_CONFIG, current_revision, load, prepare_database
from f0care.cli.jobs import register as register_jobs
from f0care.cli.simulator import run_simulator
from f0care.cli.texts import register as register_texts
from f0care.config.exposure import listening_problems
from f0care.logs import setup_logging
from f0care.runtime import build_runtime, job_context
from models import store
from models.db import make_engine
from models.migrate import SchemaMismatch, current, upgrade
from models.redact import redact
from scheduler.leader import Leadership
from scheduler.runner import start


@click.group()
@click.option("--config", "config_path", default=None, help="config.yaml (default: $F0CARE_CONFIG or ./config.yaml)")
@click.pass_context
def main(ctx: click.Context, config_path: str | None) -> None:
    """F0 home care by SMS."""
    ctx.ensure_object(dict)
    ctx.obj["config_path"] = config_path
    setup_logging()  # text until the config is read (f0care.cli.common.load applies logging.format)


register_jobs(main)
register_texts(main)


@main.command("check-config")
@click.pass_context
def check_config(ctx: click.Context) -> None:
    """Validate the config file and summarise it."""
    config = load(ctx)
    staff = sum(len(c.staff) for c in config.clinics)
    click.echo(
        f"config OK: {config.service.name}, {len(config.clinics)} clinics, {staff} staff, "
        f"{len(config.questions)} questions, {len(config.guidance)} guidance topics, "
        f"gateway {config.gateway.provider}, database {config.database.url.split('://')[0]}"
    )


@main.group()
def db() -> None:
    """Database commands."""


@db.command("upgrade")
@click.pass_context
def db_upgrade(ctx: click.Context) -> None:
    """Create or migrate the database."""
    config = load(ctx)
    try:
        upgrade(config.database.url)
    except SchemaMismatch as error:
        click.echo(f"database error:\n{error}", err=True)
        ctx.exit(EXIT_CONFIG)
    click.echo(f"database is up to date (revision {current_revision(config.database.url, current)})")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-scheduler", is_flag=True, help="do not run the scheduled jobs in this process")
@click.option(
    "--insecure-dev",
    is_flag=True,
    help="allow a --host beyond loopback with the console provider (a demonstration on a network you trust)",
)
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, no_scheduler: bool, insecure_dev: bool) -> None:
    """Run the service (webhook, outbox sender and scheduler) on the embedded defaults."""
    config = load(ctx)
    problems = listening_problems(config, host, insecure_dev)
    if problems:
        click.echo("refusing to start:\n" + "\n".join(f"  {line}" for line in problems), err=True)
        ctx.exit(EXIT_CONFIG)
    db = make_engine(config.database.url)
    prepare_database(db)  # before the sender thread starts
    runtime = build_runtime(config, db=db, outbox_mode="thread")
    if not no_scheduler:
        lead = Leadership(runtime.db)  # held (a live reference) for as long as this process serves
        ctx.call_on_close(lead.release)
        if lead.try_acquire():
            start(job_context(runtime))
        else:
            click.echo("another scheduler is active: this process runs no scheduled jobs")
    pending = runtime.outbox.deliver_pending()
    if pending:
        click.echo(f"delivered {pending} message(s) left in the outbox")
    click.echo(
        f"{config.service.name}: webhook POST http://{host}:{port}/sms/twilio (provider {config.gateway.provider})"
    )
    run_simple(host, port, create_app(runtime), threaded=True)


@main.command()
@click.option("--once", is_flag=True, help="deliver what is due, then exit")
@click.pass_context
def worker(ctx: click.Context, once: bool) -> None:
    """Deliver the outbox (production: run one or more; they never send a message twice)."""
    config = load(ctx)
    runtime = build_runtime(config)
    outbox = runtime.outbox
    if once:
        outbox.release_stale_claims()
        click.echo(f"delivered {outbox.deliver_pending()} message(s)")
        return
    thread = threading.Thread(target=outbox.run, name="f0care-worker", daemon=True)
    signal.signal(signal.SIGTERM, lambda *_: outbox.close())
    signal.signal(signal.SIGINT, lambda *_: outbox.close())
    click.echo(f"outbox worker {outbox.name} running (gateway {config.gateway.provider})")
    thread.start()
    while thread.is_alive():
        thread.join(timeout=1.0)


@main.command()
@click.option("--phone", required=True, help="the phone number to act as, e.g. 0912345678")
@click.option("--all", "show_all", is_flag=True, help="also show messages sent to other numbers (staff alerts)")
@click.pass_context
def simulate(ctx: click.Context, phone: str, show_all: bool) -> None:
    """A phone in the terminal: each line goes to the webhook as an SMS from PHONE."""
    config = load(ctx)
    sys.exit(run_simulator(config, phone, show_all, sys.stdin, interactive=sys.stdin.isatty()))


@main.command()
@click.option("--to", "to", default=None, help="only messages to this number")
@click.option("--json", "as_json", is_flag=True, help="one JSON object per line")
@click.option("--failed", is_flag=True, help="only messages that could not be delivered")
@click.option("--limit", default=50, show_default=True, type=int)
@click.pass_context
def outbox(ctx: click.Context, to: str | None, as_json: bool, failed: bool, limit: int) -> None:
    """The latest outbound messages (newest first)."""
    config = load(ctx)
    engine = make_engine(config.database.url)
    prepare_database(engine)
    number = normalize_phone(to, config.service.country) if to else None
    if to and number is None:
        click.echo(f'"{to}" is not a phone number; try e.g. 0912345678', err=True)
        ctx.exit(EXIT_CONFIG)
    zone = ZoneInfo(config.service.timezone)
    with Session(engine) as session:
        rows = store.outbox(session, number, limit, failed)
    for m in rows:
        body = redact(m.body) if m.sensitive else m.body
        item: dict[str, Any] = {
            "id": m.id,
            "to": m.phone,
            "kind": m.kind,
            "status": m.status,
            "created_at": m.created_at.isoformat(),
            "segments": m.segments,
            "body": body,
            "error": m.error,
            "error_code": m.error_code,
            "attempts": m.attempts,
        }
        click.echo(
            json.dumps(item, ensure_ascii=False)
            if as_json
            else f"#{m.id} {m.created_at.astimezone(zone):%Y-%m-%d %H:%M %z} {m.phone} [{m.kind}/{m.status}] {body}"
        )


if __name__ == "__main__":
    main()
