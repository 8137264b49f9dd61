"""loadtest: gunicorn, wrk and a writing analyst on a throwaway database; the configured one is left alone."""

import subprocess

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from devtools.loadtest import run


class Command(BaseCommand):
    help = (
        "Load the API under gunicorn with wrk for a fixed time while an analyst writes; print rate and p99. "
        "Runs in a throwaway database beside the configured one (migrated, fixtures loaded, removed afterwards)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seconds", type=int, default=30)
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--connections", type=int, default=16)

    def handle(self, *args, seconds, workers, connections, **options):
        if seconds < 1 or workers < 1 or connections < 2:
            raise CommandError("--seconds and --workers must be at least 1, --connections at least 2 (wrk's threads).")
        try:
            report = run(settings.DATABASES["default"], seconds=seconds, workers=workers, connections=connections)
        except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
            raise CommandError(str(exc)) from exc
        for line in report.lines():
            self.stdout.write(line)
        if report.read_errors or report.write_errors or report.lost_writes:
            raise CommandError("errors or lost writes: see above")
