"""build_states_fixture: regenerate fixtures/states.json from ISO 3166 (devtools/iso3166.py)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from devtools.iso3166 import write_fixture


class Command(BaseCommand):
    help = "Regenerate fixtures/states.json from ISO 3166 (needs the development dependency pycountry)."

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, default=Path(settings.BASE_DIR) / "fixtures" / "states.json")

    def handle(self, *args, output, **options):
        if not output.parent.is_dir():
            raise CommandError(f"--output: {output.parent} is not a folder.")
        try:
            count = write_fixture(output)
        except ImportError as exc:
            raise CommandError(f"{exc.name} is not installed; it comes with the development extras (.[dev]).") from exc
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Wrote {count} objects to {output}")
