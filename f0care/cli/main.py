"""The `f0care` command: serve, db upgrade, check-config, simulate, outbox, texts."""

from __future__ import annotations

import signal
import sys
import threading

import click
from werkzeug.serving import run_simple

from f0care.app import create_app
from f0care.cli.common import EXIT_CONFIG, current_revision, load, prepare_database
from f0care.cli.gateway import register as register_gateway
from f0care.cli.imports import register as register_imports
from f0care.cli.jobs import register as register_jobs
from f0care.cli.ops import register as register_ops
from f0care.cli.outbox import outbox
from f0care.cli.simulator import run_simulator
from f0care.cli.texts import register as register_texts
from f0care.cli.ussd_simulator import run_ussd_simulator
from f0care.config.exposure import listening_problems
from f0care.logs import setup_logging
from f0care.runtime import build_runtime, job_context
from models.db import make_engine
from models.migrate import SchemaMismatch, current, upgrade
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
register_ops(main)
register_gateway(main)
register_imports(main)
main.add_command(outbox)


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
    hooks = "/sms/android and /sms/twilio" if config.gateway.provider == "android" else "/sms/twilio"
    click.echo(f"{config.service.name}: webhook POST http://{host}:{port}{hooks} (provider {config.gateway.provider})")
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
@click.option("--ussd", is_flag=True, help="dial the USSD menu: each line is one input of the session")
@click.pass_context
def simulate(ctx: click.Context, phone: str, show_all: bool, ussd: bool) -> None:
    """A phone in the terminal: each line goes to the webhook as an SMS from PHONE (--ussd: the USSD menu)."""
    config = load(ctx)
    run = run_ussd_simulator if ussd else run_simulator
    sys.exit(run(config, phone, show_all, sys.stdin, interactive=sys.stdin.isatty()))


if __name__ == "__main__":
    main()
