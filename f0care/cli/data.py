"""`f0care backup PATH`, `f0care restore PATH`, `f0care purge [--dry-run]`, `f0care alarms check`."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

from f0care.cli.common import EXIT_CONFIG, load, prepare_database
from f0care.cli.output import local, operator, show
from f0care.ops_settings import alarm_settings, retention_policy
from models.alarm_checks import check_alarms, open_incidents
from models.backup import BackupError, ToolFailed, backup, restore
from models.clock import utcnow
from models.db import make_engine
from models.retention import purge


def register(main: click.Group) -> None:
    """Add the data commands to `main`."""
    main.add_command(backup_command)
    main.add_command(restore_command)
    main.add_command(purge_command)
    main.add_command(alarms)


@click.command("backup")
@click.argument("path", type=click.Path(path_type=Path))
@click.pass_context
def backup_command(ctx: click.Context, path: Path) -> None:
    """An online, consistent copy of the database to PATH (SQLite's backup API, or pg_dump)."""
    config = load(ctx)
    try:
        backup(config.database.url, path)
    except BackupError as error:
        click.echo(f"backup {'failed' if isinstance(error, ToolFailed) else 'refused'}: {error}", err=True)
        ctx.exit(1 if isinstance(error, ToolFailed) else EXIT_CONFIG)
    click.echo(f"backup written to {path} ({path.stat().st_size:,} bytes); test it with a restore drill")


@click.command("restore")
@click.argument("path", type=click.Path(path_type=Path))
@click.pass_context
def restore_command(ctx: click.Context, path: Path) -> None:
    """Load the backup at PATH into the configured database, which must be empty."""
    config = load(ctx)
    try:
        restore(config.database.url, path)
    except BackupError as error:
        click.echo(f"restore {'failed' if isinstance(error, ToolFailed) else 'refused'}: {error}", err=True)
        ctx.exit(1 if isinstance(error, ToolFailed) else EXIT_CONFIG)
    click.echo(f"restored {path}; run `f0care db upgrade` if the backup is older than this version")


@click.command("purge")
@click.option("--dry-run", is_flag=True, help="count what would be deleted; export and delete nothing")
@click.option("--json", "as_json", is_flag=True, help="one JSON object per line")
@click.option("--by", default=None, help="who runs it (default: the OS user); kept with the counts")
@click.pass_context
def purge_command(ctx: click.Context, dry_run: bool, as_json: bool, by: str | None) -> None:
    """Export, then delete, the records of patients closed more than retention.days_after_close days ago.

    Messages, declarations, alerts and the patient go to a JSON-lines file in retention.export_dir,
    then out of the database; only their counts stay (`operatoraction`).
    """
    config = load(ctx)
    engine = make_engine(config.database.url)
    prepare_database(engine)
    policy = retention_policy(config)
    who = operator(ctx, by)
    columns = (BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), disable=not sys.stderr.isatty(), transient=True) as bar:
        task = bar.add_task("purge", total=None)
        report = purge(engine, policy, utcnow(), dry_run=dry_run, by=who,
                       progress=lambda done, total: bar.update(task, completed=done, total=total))  # fmt: skip
    verb = "would delete" if dry_run else "deleted"
    rows = [{"table": name, verb.replace(" ", "_"): count} for name, count in report.counts.items()]
    show(rows, ("table", verb.replace(" ", "_")), as_json, "")
    if not as_json:
        closed = f"patients closed before {report.cutoff:%Y-%m-%d %H:%M} UTC"
        click.echo(f"{verb} the records of {report.counts['patient']} {closed}")
        if report.export is not None:
            click.echo(f"exported first to {report.export} (owner-only; keep it encrypted, delete it when due)")


@click.group()
def alarms() -> None:
    """The operator alarms (sending failing, outbox lagging)."""


@alarms.command("check")
@click.option("--json", "as_json", is_flag=True, help="one JSON object per line")
@click.pass_context
def alarms_check(ctx: click.Context, as_json: bool) -> None:
    """Check once (what the every-minute job does): open or clear incidents, queue their SMS; list the open ones."""
    config = load(ctx)
    engine = make_engine(config.database.url)
    prepare_database(engine)
    settings = alarm_settings(config)
    queued = check_alarms(engine, settings, utcnow())
    rows = [
        {"incident": kind, "since": local(since, config.service.timezone)}
        for kind, since in open_incidents(engine).items()
    ]
    show(rows, ("incident", "since"), as_json, "no open incident")
    if queued and not as_json:
        click.echo(f"{len(queued)} alarm SMS queued to {', '.join(settings.notify)}")
