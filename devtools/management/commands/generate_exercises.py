"""generate_exercises: fill the database with deterministic synthetic exercises (slugs ``syn-``)."""

import time

from django.core.management.base import BaseCommand, CommandError

from devtools import synthetic


class Command(BaseCommand):
    help = (
        "Fill the database with deterministic synthetic exercises shaped like the real ones, for load tests and "
        "benchmarks. Every row is marked synthetic (slugs syn-..., sources synthetic-source-...); --clear removes "
        "them. Needs the states and organisations fixtures."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=1000, help="Exercises to write, phases included.")
        parser.add_argument("--seed", type=int, default=1, help="Same seed, same data.")
        parser.add_argument("--clear", action="store_true", help="Delete earlier synthetic rows first.")
        parser.add_argument("--batch-size", type=int, default=2000, help="Rows per bulk insert (default 2000).")
        parser.add_argument("--digest", action="store_true", help="Print a SHA-256 of the synthetic rows at the end.")

    def handle(self, *args, count, seed, clear, batch_size, digest, verbosity, **options):
        if count < 0 or batch_size < 1:
            raise CommandError("--count must be at least 0 and --batch-size at least 1.")
        started = time.perf_counter()
        try:
            outcome = synthetic.generate(count, seed, clear_first=clear, batch_size=batch_size, progress=verbosity > 0)
        except synthetic.SyntheticDataError as exc:
            raise CommandError(str(exc)) from None
        elapsed = time.perf_counter() - started
        if clear:
            self.stdout.write(f"Removed {outcome.removed:,} synthetic exercises.")
        if verbosity > 1:
            for label, rows in sorted(outcome.written.items()):
                self.stdout.write(f"  {label:<40} {rows:>10,}")
        if count:
            self.stdout.write(
                f"Generated {count:,} synthetic exercises ({sum(outcome.written.values()):,} rows) "
                f"in {elapsed:.1f} s (seed {seed})."
            )
        if digest:
            self.stdout.write(f"Digest: {synthetic.digest()}")
