from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from exercises.importers.iso3166 import write_fixture


class Command(BaseCommand):
    help = "Regenerate fixtures/states.json from ISO 3166 (needs the dev dependency pycountry)."

    def add_arguments(self, parser):
        parser.add_argument("--output", default=str(Path(settings.BASE_DIR) / "fixtures" / "states.json"))

    def handle(self, *args, output, **options):
        try:
            count = write_fixture(Path(output))
        except (ImportError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Wrote {count} objects to {output}")
