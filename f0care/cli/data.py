"""`f0care backup PATH`, `f0care restore PATH`, `f0care purge [--dry-run]`, `f0care alarms check`."""

from __future__ import annotations

from pathlib import Path

import click

from f0care.cli.common import EXIT_CONFIG, load
from models.backup import BackupError, ToolFailed, backup, restore


def register(main: click.Group) -> None:
    """Add the data commands to `main`."""
    main.add_command(backup_command)
    main.add_command(restore_command)


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
