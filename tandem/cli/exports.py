"""``tandem export msproject CODE -o FILE``: a project's plan as MS Project XML (MSPDI),
which MS Project and ProjectLibre open."""

from __future__ import annotations

import argparse
from pathlib import Path

from tandem.cli.common import CommandFailedError, setup_django


def cmd_export(args: argparse.Namespace) -> int:
    setup_django()
    from tandem.delivery.interchange.mspdi import write_mspdi
    from tandem.delivery.models import Project
    from tandem.delivery.services import plan_export

    project = Project.objects.filter(code=args.code.strip().upper()).first()
    if project is None:
        raise CommandFailedError(f"no project with the code {args.code!r}")
    output = Path(args.output)
    if output.parent and not output.parent.exists():
        raise CommandFailedError(f"-o: the folder {output.parent} does not exist")
    data = write_mspdi(plan_export(project=project))
    output.write_bytes(data)
    print(f"{project.code} {project.name}: {project.tasks.count()} tasks written to {output} ({len(data):,} bytes)")
    return 0


def add_export_parser(sub: argparse._SubParsersAction) -> None:
    exporter = sub.add_parser(
        "export", help="export a project's plan as MS Project XML",
        description="Write a project's plan (tasks in WBS order with their scheduled dates, links with lags, "
        "the project's calendar, assignees as resources) as MS Project XML (MSPDI).",
    )
    exporter.add_argument("format", choices=("msproject",), help="the file format")
    exporter.add_argument("code", help="the project's code")
    exporter.add_argument("-o", "--output", required=True, metavar="FILE", help="the file to write (.xml)")
    exporter.set_defaults(handler=cmd_export)
