"""`f0care import FILE --clinic ID [--dry-run]`: a station's patient file, all rows registered or none.

Exit codes an operator (or a script) can act on: 0 imported (or a dry run without problems), 1 rows
with problems (nothing imported; every problem is listed), 2 the file or the command is wrong (nothing
read), 3 the database could not be reached or refused the write (nothing imported; run it again).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from sqlalchemy.exc import SQLAlchemyError

from dialogs.bulk_register import Plan
from dialogs.phones import normalize_phone
from dialogs.program import Program
from f0care.cli.common import EXIT_CONFIG, load, prepare_database
from f0care.cli.output import operator, show
from f0care.exchange import read
from f0care.exchange.columns import in_file_order
from f0care.exchange.messages import problem_text, say, skipped_text
from f0care.exchange.read import FileProblem, PatientFile, read_patient_file
from f0care.runtime import Runtime, build_runtime
from f0care.service.patient_import import Imported, ImportFailed, Registrar, import_patients, preview
from models.clock import utcnow

EXIT_ROWS, EXIT_DATABASE = 1, 3
LANGUAGE = "en"  # the command line speaks English, as every other `f0care` command


def register(main: click.Group) -> None:
    main.add_command(import_command)


@click.command("import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--clinic", "clinic_id", required=True, help="the clinic id (config.yaml) the patients belong to")
@click.option("--dry-run", is_flag=True, help="check every row and show what would happen; register nobody")
@click.option("--by", default=None, help="who imports (a staff phone, or a name; default: the OS user)")
@click.option("--json", "as_json", is_flag=True, help="one JSON object per row")
@click.pass_context
def import_command(
    ctx: click.Context, file: Path, clinic_id: str, dry_run: bool, by: str | None, as_json: bool
) -> None:
    """Register a station's patients from a CSV or XLSX file, as `DK <phone> <name>, <year>, <ward>` does.

    Columns (Vietnamese or English headers): phone, full name, year of birth, ward, and optionally
    test date and risk factors. Every row is checked first; one row with a problem and nobody is
    registered. Each patient is active at once and gets the welcome SMS.
    """
    config = load(ctx)
    runtime = build_runtime(config, outbox_mode="external")  # the service's senders deliver the welcomes
    ctx.call_on_close(runtime.db.dispose)
    if clinic_id not in {clinic.id for clinic in runtime.program.clinics}:
        known = ", ".join(clinic.id for clinic in runtime.program.clinics)
        _refuse(ctx, f"{say('unknown_clinic', LANGUAGE, detail=clinic_id)} Clinics: {known}.")
    patients = _read(ctx, file)
    prepare_database(runtime.db)
    try:
        if dry_run:
            plan = preview(runtime.unit_of_work, runtime.program, patients.rows, clinic_id, utcnow())
            outcome = Imported(plan)
        else:
            outcome = _import(runtime, patients, clinic_id, _registrar(ctx, runtime.program, by, file))
    except (SQLAlchemyError, ImportFailed) as error:
        click.echo(
            f"database error ({error.__class__.__name__}): nothing was imported; run the command again", err=True
        )
        ctx.exit(EXIT_DATABASE)
        raise  # unreachable; ctx.exit raises
    _report(outcome, patients, dry_run, as_json)
    if not outcome.done:
        ctx.exit(EXIT_ROWS)


def _refuse(ctx: click.Context, message: str) -> None:
    click.echo(f"import refused: {message}", err=True)
    ctx.exit(EXIT_CONFIG)


def _read(ctx: click.Context, file: Path) -> PatientFile:
    """The file's rows; a file that cannot be read is refused with what to do (exit 2)."""
    try:
        if file.stat().st_size > read.MAX_BYTES:
            raise read.too_large()
        return read_patient_file(file.read_bytes())
    except FileProblem as problem:
        _refuse(ctx, f"{file.name}: {say(problem.key, LANGUAGE, detail=problem.detail)}")
    except OSError as error:
        _refuse(ctx, f"cannot read {file}: {error.strerror or error}")
    raise AssertionError("unreachable")


def _registrar(ctx: click.Context, program: Program, by: str | None, file: Path) -> Registrar:
    """A staff member when `--by` is a staff phone (she is shown as who accepted them), else a name."""
    who = operator(ctx, by)
    staff = program.staff_by_phone.get(normalize_phone(who, program.country) or "")
    name, phone = (staff.name, staff.phone) if staff is not None else (who[:80], "")
    return Registrar(name, phone, channel="import", source=file.name)


def _import(runtime: Runtime, patients: PatientFile, clinic_id: str, by: Registrar) -> Imported:
    columns = (TextColumn("registering"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    console = Console(stderr=True)
    with Progress(*columns, console=console, disable=not sys.stderr.isatty(), transient=True) as bar:
        task = bar.add_task("import", total=len(patients.rows))
        outcome = import_patients(
            runtime.unit_of_work,
            runtime.program,
            patients.rows,
            clinic_id,
            by,
            utcnow(),
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )
    runtime.outbox.notify(outcome.queued)
    return outcome


def _report(outcome: Imported, patients: PatientFile, dry_run: bool, as_json: bool) -> None:
    """Every problem and skipped row (row, the file's column name, what to do), then the counts."""
    plan, names = outcome.plan, patients.header.names
    rows: list[dict[str, object]] = []
    for problem in in_file_order(plan.problems, patients.header):
        column = names.get(problem.column, problem.column.value) if problem.column else ""
        rows.append({"row": problem.row, "column": column, "problem": problem_text(problem, LANGUAGE)})
    rows += [{"row": s.row, "column": "", "problem": skipped_text(s, LANGUAGE)} for s in plan.skipped]
    if as_json:
        rows += [{"row": row, "registered": code} for row, code in outcome.codes]
        counts = {"rows": plan.rows, "registered": len(outcome.codes), "skipped": len(plan.skipped)}
        summary = {**counts, "problems": len(plan.problems), "dry_run": dry_run}
        show([*sorted(rows, key=_row_number), summary], (), True, "")
        return
    if rows:
        show(sorted(rows, key=_row_number), ("row", "column", "problem"), False, "")
    click.echo(_summary(plan, outcome, dry_run))


def _row_number(row: dict[str, object]) -> int:
    return int(str(row["row"]))


def _summary(plan: Plan, outcome: Imported, dry_run: bool) -> str:
    rows, skipped = f"{plan.rows} row(s)", f"{len(plan.skipped)} already registered (skipped)"
    if plan.problems:
        bad = len({p.row for p in plan.problems})
        return f"{rows}: {bad} with problems; nothing was imported. Correct the file and run the command again."
    if dry_run:
        return f"{rows}: {len(plan.ready)} would be registered, {skipped}; nothing was imported (dry run)."
    return (
        f"{rows}: {len(outcome.codes)} registered and active, {skipped}; "
        f"{len(outcome.queued)} welcome SMS queued for the service's senders."
    )
