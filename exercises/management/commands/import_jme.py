from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from exercises.importers.jme import JMEImportError, import_jme


class Command(BaseCommand):
    help = (
        "Import the Joint Military Exercises data v3 (JME) from its Excel workbook, in one transaction. "
        "Importing the same file again changes nothing; a corrected file updates what changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="The JME v3 workbook, e.g. ../shared/datasets/jme_v3.xls.")
        parser.add_argument("--dry-run", action="store_true", help="Do the whole import, report, then roll back.")
        parser.add_argument("--no-progress", action="store_true", help="No progress bars (they go to stderr).")

    def handle(self, *args, path, dry_run, no_progress, **options):
        progress = not no_progress and options["verbosity"] > 0
        try:
            summary = import_jme(path, dry_run=dry_run, progress=progress)
        except JMEImportError as exc:
            raise CommandError(str(exc)) from exc
        for line in summary.lines():
            self.stdout.write(line)
