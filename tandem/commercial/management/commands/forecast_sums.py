"""``tandem manage forecast_sums [--rebuild]``: check the forecast's sums against the
records (docs/forecast.md, "Cost"), or write them again from the records."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tandem.commercial.selectors.forecast import forecast_sums_kept, forecast_sums_recomputed
from tandem.commercial.services.forecast_sums import forecast_sums_rebuild


class Command(BaseCommand):
    help = "Check the whole organisation's forecast sums against the records; --rebuild writes them again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rebuild", action="store_true", help="Write the sums again from the records.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["rebuild"]:
            written_months, written_contracted = forecast_sums_rebuild(actor=None)
            self.stdout.write(
                f"Forecast sums written again from the records: {written_months} month rows, "
                f"{written_contracted} contracted rows."
            )
            return
        kept_months, kept_contracted = forecast_sums_kept()
        months, contracted = forecast_sums_recomputed()
        wrong = len(kept_months ^ months) + len(kept_contracted ^ contracted)
        if wrong:
            raise CommandError(
                f"The forecast sums differ from the records in {wrong} rows "
                f"(month sums: {len(kept_months - months)} kept that the records do not give, "
                f"{len(months - kept_months)} missing; contracted sums: {len(kept_contracted - contracted)} and "
                f"{len(contracted - kept_contracted)}). Run `tandem manage forecast_sums --rebuild`."
            )
        self.stdout.write(f"Forecast sums match the records: {len(months)} month rows, {len(contracted)} contracted rows.")
