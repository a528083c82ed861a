"""``tandem import``: accounts, contacts or opportunities from a Salesforce or HubSpot export, through
:func:`tandem.integrations.importing.runner.run_import`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from tandem.cli.common import CommandFailedError, progress_for, setup_django

IMPORT_SOURCES = ("salesforce", "hubspot", "rates", "msproject", "asana")
PLAN_SOURCES = ("msproject", "asana")
IMPORT_OBJECTS = ("accounts", "contacts", "opportunities")
MAX_ERRORS_SHOWN = 50


def _import_mapping(pairs: Sequence[str]) -> dict[str, str]:
    """``--map FIELD=HEADER`` pairs as ``{field: header}`` (an empty header unmaps)."""
    mapping: dict[str, str] = {}
    for pair in pairs:
        field, sep, header = pair.partition("=")
        if not sep or not field.strip():
            raise CommandFailedError(f"--map {pair!r}: write FIELD=HEADER, e.g. last_name=Surname")
        mapping[field.strip()] = header.strip()
    return mapping


def _problem_lines(job: Any) -> list[str]:
    """Row errors (at most 50, then how many more) and warnings, one line each."""
    lines: list[str] = []
    for title, problems in (("errors", job.errors), ("warnings", job.warnings)):
        if not problems:
            continue
        lines.append(f"{title}:")
        lines += [
            f"  row {item['row']}, column {item['column']}: {item['message']}"
            for item in problems[:MAX_ERRORS_SHOWN]
        ]
        total = job.error_count if title == "errors" else len(problems)
        if total > MAX_ERRORS_SHOWN:
            lines.append(f"  ... and {total - MAX_ERRORS_SHOWN} more")
    return lines


def _import_report(job: Any) -> list[str]:
    """The import job as lines: outcome, counts, row errors (at most 50), warnings."""
    from tandem.integrations.models import ImportStatus

    if job.status in (ImportStatus.VALIDATED, ImportStatus.INVALID):  # nothing written
        counts = f"to create: {job.created_count}  to update: {job.updated_count}"
    else:
        counts = (
            f"created: {job.created_count}  updated: {job.updated_count}  "
            f"unchanged: {job.unchanged_count}"
        )
    lines = [
        f"{job.get_source_display()} {job.object} from {job.file_name}: "
        f"{job.get_status_display()}.",
        f"rows: {job.total_rows}  {counts}  errors: {job.error_count}  "
        f"warnings: {len(job.warnings)}",
    ]
    if job.message:
        lines.append(job.message)
    return lines + _problem_lines(job)


def _import_actor(email: str | None) -> Any:
    """The user ``--as`` names (None: the system)."""
    if not email:
        return None
    from tandem.people.models import User

    actor = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if actor is None:
        raise CommandFailedError(f"--as: no active user with the e-mail {email!r}")
    return actor


def _run_with_bar(args: argparse.Namespace, path: Path, run: Callable[..., Any]) -> Any:
    """Call ``run(progress=...)`` with a progress bar over the file's rows."""
    with progress_for(args).bar(f"import: {path.name}", unit="rows") as bar:

        def advance(done: int, total: int) -> None:
            bar.total = total
            bar.n = done
            bar.refresh()

        return run(progress=advance)


def cmd_import_rates(args: argparse.Namespace, path: Path) -> int:
    """``tandem import rates FILE``: exchange rates from a CSV ``date,currency,rate``
    (all or nothing; the same file again changes nothing)."""
    import csv

    setup_django()
    from tandem.commercial.services import exchange_rates_import
    from tandem.core.errors import PermissionDeniedError

    actor = _import_actor(args.as_user)
    try:
        with path.open(encoding=args.encoding or "utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            result = exchange_rates_import(actor=actor, rows=list(reader), header=reader.fieldnames or [])
    except (UnicodeDecodeError, csv.Error, PermissionDeniedError) as exc:
        raise CommandFailedError(f"{path.name}: {exc}") from exc
    if result.errors:
        lines = ["errors:", *(f"  {error}" for error in result.errors[:MAX_ERRORS_SHOWN])]
        if len(result.errors) > MAX_ERRORS_SHOWN:
            lines.append(f"  ... and {len(result.errors) - MAX_ERRORS_SHOWN} more")
        print("\n".join(lines), file=sys.stderr)
        raise CommandFailedError(f"{path.name} was refused: {len(result.errors)} problem(s), nothing was written")
    print(
        f"exchange rates from {path.name}: created: {result.created}  updated: {result.updated}  "
        f"unchanged: {result.unchanged}"
    )
    return 0


def cmd_import_plan(args: argparse.Namespace, path: Path) -> int:
    """``tandem import msproject|asana FILE --project CODE``: a plan into a project
    (created when CODE is new), all or nothing; the same file again changes nothing."""
    if not args.project:
        raise CommandFailedError(f"tandem import {args.source} needs --project CODE (the project to import into)")
    setup_django()
    from django.core.exceptions import ValidationError

    from tandem.cli.common import validation_message
    from tandem.clients.models import Account
    from tandem.core.errors import PermissionDeniedError
    from tandem.delivery.interchange.asana import read_asana_csv
    from tandem.delivery.interchange.mspdi import read_mspdi
    from tandem.delivery.interchange.plan import PlanError
    from tandem.delivery.services import plan_import

    actor = _import_actor(args.as_user)
    account = None
    if args.account is not None:
        account = Account.objects.filter(pk=args.account).first()
        if account is None:
            raise CommandFailedError(f"--account: no account with id {args.account}")
    with progress_for(args).bar(f"import: {path.name}", total=3, unit="steps") as bar:
        try:
            data = path.read_bytes()
            plan = read_mspdi(data) if args.source == "msproject" else read_asana_csv(data)
            bar.update(1)
            result = plan_import(actor=actor, plan=plan, code=args.project, account=account,
                                 use_plan_calendar=args.source == "msproject", dry_run=args.dry_run)
            bar.update(2)
        except PlanError as exc:
            lines = ["problems:", *(f"  {message}" for message in exc.messages[:MAX_ERRORS_SHOWN])]
            print("\n".join(lines), file=sys.stderr)
            raise CommandFailedError(f"{path.name} was refused: {len(exc.messages)} problem(s), nothing was written") from exc
        except ValidationError as exc:
            raise CommandFailedError(f"{path.name}: {validation_message(exc)}") from exc
        except PermissionDeniedError as exc:
            raise CommandFailedError(str(exc)) from exc
    project = result.project
    verb = "would be" if result.dry_run else "was"
    lines = [
        f"{project.code} {project.name}: the project {verb} {'created' if result.project_created else 'updated'}"
        + (" (dry run: nothing was written)" if result.dry_run else "") + ".",
        f"tasks: created {result.tasks_created}  updated {result.tasks_updated}  unchanged {result.tasks_unchanged}",
        f"links: created {result.links_created}  updated {result.links_updated}  removed {result.links_removed}  "
        f"assignments: {result.assignments_created}",
    ]
    lines += [f"warning: {warning}" for warning in result.warnings]
    if result.date_differences:
        lines.append(f"{len(result.date_differences)} task(s) schedule to other dates than the file's:")
        lines += [f"  {difference}" for difference in result.date_differences[:MAX_ERRORS_SHOWN]]
    print("\n".join(lines))
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    if args.source in PLAN_SOURCES:
        path = Path(args.file)
        if not path.is_file():
            raise CommandFailedError(f"no such file: {args.file}")
        return cmd_import_plan(args, path)
    if args.project or args.account is not None:
        raise CommandFailedError("--project and --account are for plans (msproject, asana)")
    if args.batch_size < 1:
        raise CommandFailedError(f"--batch-size must be at least 1, not {args.batch_size}")
    mapping = _import_mapping(args.map or [])
    path = Path(args.file)
    if not path.is_file():
        raise CommandFailedError(f"no such file: {args.file}")
    if args.source == "rates":
        return cmd_import_rates(args, path)
    setup_django()
    from tandem.core.errors import PermissionDeniedError
    from tandem.integrations.importing.files import FileRejected
    from tandem.integrations.importing.runner import run_import
    from tandem.integrations.models import ImportStatus

    actor = _import_actor(args.as_user)

    def run(progress: Callable[[int, int], None]) -> Any:
        return run_import(
            actor=actor,
            source=args.source,
            data=path,
            file_name=path.name,
            object_name=args.object,
            mapping=mapping,
            dry_run=args.dry_run,
            skip_invalid=args.skip_invalid,
            batch_size=args.batch_size,
            progress=progress,
            encoding=args.encoding,
        )

    try:
        job = _run_with_bar(args, path, run)
    except (FileRejected, PermissionDeniedError) as exc:
        raise CommandFailedError(str(exc)) from exc
    lines = _import_report(job)
    if job.status == ImportStatus.INVALID:
        print("\n".join(lines), file=sys.stderr)
        raise CommandFailedError(
            f"{path.name} was refused: {job.error_count} problem(s), nothing was written "
            "(fix them, or pass --skip-invalid to import the valid rows)"
        )
    print("\n".join(lines))
    return 0


def add_import_parser(sub: argparse._SubParsersAction) -> None:
    importer = sub.add_parser(
        "import",
        help="import accounts, contacts or opportunities from a Salesforce or HubSpot export, exchange rates, "
        "or a plan from MS Project or Asana",
        description="Import a CSV or XLSX export of accounts, contacts or opportunities (deals). Every row is checked "
        "first; with errors nothing is written (exit 1) unless --skip-invalid. Re-importing "
        "the same file changes nothing (records are matched by their record id); an "
        "interrupted import resumes where it stopped when run again. "
        "`tandem import rates FILE` reads exchange rates from a CSV date,currency,rate "
        "(units of the base currency for one unit of currency; all or nothing). "
        "`tandem import msproject|asana FILE --project CODE` reads a plan (MS Project XML or an Asana CSV "
        "export) into a project, creating it when CODE is new.",
    )
    importer.add_argument("source", choices=IMPORT_SOURCES, help="the system the file comes from (rates: an exchange-rate CSV)")
    importer.add_argument("file", help="the exported file (.csv or .xlsx; .xml for msproject)")
    importer.add_argument("--project", metavar="CODE", default=None,
                          help="msproject, asana: the project to import into (created when the code is new)")
    importer.add_argument("--account", metavar="ID", type=int, default=None,
                          help="msproject, asana: the account a new project is for")
    importer.add_argument(
        "--object",
        choices=IMPORT_OBJECTS,
        default=None,
        help="what the file holds (default: recognised from its name and headers)",
    )
    importer.add_argument(
        "--dry-run", action="store_true", help="check every row and count, write nothing"
    )
    importer.add_argument(
        "--skip-invalid", action="store_true", help="import the valid rows, skip the others"
    )
    importer.add_argument(
        "--map",
        action="append",
        metavar="FIELD=HEADER",
        help="read FIELD from column HEADER (repeat; FIELD= leaves a field out)",
    )
    importer.add_argument(
        "--encoding", default=None, help="the file's text encoding (default: detected)"
    )
    importer.add_argument(
        "--batch-size",
        type=int,
        default=2000,
        metavar="N",
        help="rows written per transaction (default: %(default)s)",
    )
    importer.add_argument(
        "--as",
        dest="as_user",
        metavar="EMAIL",
        default=None,
        help="import as this user (their permissions apply; default: the system)",
    )
    importer.add_argument("--quiet", action="store_true", help="no progress bar")
    importer.set_defaults(handler=cmd_import)
