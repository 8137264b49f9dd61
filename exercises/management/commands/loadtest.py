from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from exercises.loadtest import database_url, run, writer_token


class Command(BaseCommand):
    help = "Load the API under gunicorn with wrk for a fixed time while an analyst writes; print rate and p99."

    def add_arguments(self, parser):
        parser.add_argument("--seconds", type=int, default=30)
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--connections", type=int, default=16)

    def handle(self, *args, seconds, workers, connections, **options):
        url = database_url(settings.DATABASES["default"])
        try:
            report = run(url, writer_token(), seconds=seconds, workers=workers, connections=connections)
        except (RuntimeError, FileNotFoundError) as exc:
            raise CommandError(str(exc)) from exc
        for line in report.lines():
            self.stdout.write(line)
        if report.read_errors or report.write_errors or report.lost_writes:
            raise CommandError("errors or lost writes: see above")
