"""bench: time a fixed set of API requests in process, against the floor, and over HTTP against Datasette."""

from django.core.management.base import BaseCommand, CommandError

from devtools.bench import BenchError
from devtools.bench.runner import run


class Command(BaseCommand):
    help = (
        "Benchmark the API on N synthetic exercises (generated into the configured database if it holds "
        "fewer): each request's median and p95 time, queries and bytes; the same answer from one SQL query "
        "(the floor); and, on SQLite, the API over HTTP (gunicorn) against Datasette on the same file."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=100_000, help="Synthetic exercises (default 100,000).")
        parser.add_argument("--seed", type=int, default=1, help="Seed, if the exercises must be generated.")
        parser.add_argument("--repeat", type=int, default=30, help="Timed runs per cell (default 30).")
        parser.add_argument("--verbose", action="store_true", help="Print every query and the query plans.")
        parser.add_argument("--no-http", action="store_true", help="Skip gunicorn and Datasette.")

    def handle(self, *args, count, seed, repeat, verbose, no_http, **options):
        if count < 1 or repeat < 1:
            raise CommandError("--count and --repeat must be at least 1.")
        try:
            report = run(count, seed, repeat, verbose, not no_http, log=self.stderr.write)
        except BenchError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(report)
