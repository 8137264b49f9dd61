from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from exercises.importers.mme import MMEImportError, import_mme


class Command(BaseCommand):
    help = (
        "Import the Multinational Military Exercises data set v7 (MME) from its CSV, in one transaction. "
        "Importing the same file again changes nothing; a corrected file updates what changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="The MME v7 CSV, e.g. ../shared/datasets/mme_v7.csv.")
        parser.add_argument("--dry-run", action="store_true", help="Do the whole import, report, then roll back.")
        parser.add_argument("--no-progress", action="store_true", help="No progress bars (they go to stderr).")

    def handle(self, *args, path, dry_run, no_progress, **options):
        progress = not no_progress and options["verbosity"] > 0
        try:
            summary = import_mme(path, dry_run=dry_run, progress=progress)
        except MMEImportError as exc:
            raise CommandError(str(exc)) from exc
        for line in summary.lines():
            self.stdout.write(line)
