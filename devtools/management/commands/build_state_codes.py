"""build_state_codes: regenerate fixtures/state_codes.json from countrycode's CoW and GW lists."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from devtools.statecodes import FIRST_YEAR_KEPT, build_state_codes, write_fixture


class Command(BaseCommand):
    help = (
        "Regenerate fixtures/state_codes.json from the R countrycode package's dictionary/data_cow.csv and "
        "dictionary/data_gw.csv (and its codelist, for today's ISO codes); reports the state-years of no state."
    )

    def add_arguments(self, parser):
        fixtures = Path(settings.BASE_DIR) / "fixtures"
        parser.add_argument("cow", type=Path, help="countrycode's dictionary/data_cow.csv")
        parser.add_argument("gw", type=Path, help="countrycode's dictionary/data_gw.csv")
        parser.add_argument(
            "--codelist", type=Path, required=True, help="countrycode's dictionary/codelist_without_cldr.csv"
        )
        parser.add_argument("--states", type=Path, default=fixtures / "states.json")
        parser.add_argument("--output", type=Path, default=fixtures / "state_codes.json")

    def handle(self, *args, cow, gw, codelist, states, output, **options):
        for name, path in [("cow", cow), ("gw", gw), ("--codelist", codelist), ("--states", states)]:
            if not path.is_file():
                raise CommandError(f"{name}: {path} is not a file.")
        if not output.parent.is_dir():
            raise CommandError(f"--output: {output.parent} is not a folder.")
        try:
            build = build_state_codes(cow, gw, codelist, states)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        count = write_fixture(build, output)
        self.stdout.write(f"Wrote {count} code periods to {output}")
        self.stdout.write(f"Dropped {len(build.dropped)} periods that end before {FIRST_YEAR_KEPT}.")
        for run in build.supplemented:
            self.stdout.write(f"Added (countrycode leaves it out): {run}")
        for run in build.unmapped:
            years = run.last - run.first + 1
            after = " (after 1945)" if run.last > 1945 else ""
            self.stdout.write(self.style.WARNING(f"No state for {run} ({years} state-years){after}"))
