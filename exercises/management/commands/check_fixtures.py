from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from exercises.importers.fixtures import check


class Command(BaseCommand):
    help = (
        "Check that every citation in the fixtures names a registered source, that the texts on disk "
        "match the register's SHA-256, and that every excerpt occurs in its source's text."
    )

    def add_arguments(self, parser):
        base = Path(settings.BASE_DIR)
        parser.add_argument("fixtures", nargs="*", help="Fixture files (default: fixtures/*.json).")
        parser.add_argument("--register", default=str(base / "seeds" / "sources.json"))
        parser.add_argument("--database", action="store_true", help="Also check the citations in the database.")

    def handle(self, *args, fixtures, register, database, **options):
        paths = [Path(p) for p in fixtures] or sorted((Path(settings.BASE_DIR) / "fixtures").glob("*.json"))
        report = check(paths, Path(register), settings.SOURCE_TEXT_ROOTS, database=database)
        for problem in report.problems:
            (self.stderr if problem.error else self.stdout).write(str(problem))
        summary = (
            f"{report.citations} citations checked against {report.sources} registered sources "
            f"({report.texts} texts on disk); {report.verified} excerpts found in their texts."
        )
        if report.errors:
            raise CommandError(f"{len(report.errors)} problem(s). {summary}")
        self.stdout.write(summary)
