"""Helpers for the MME importer's tests: the sample files, a variant of the sample, and look-ups.

``tests/data/mme/sample.csv`` has 20 rows with the real header, some taken from MME, some written to
exercise one rule; the whole data set is read from the shared folder where it is present.
"""

import csv
from pathlib import Path

from django.conf import settings

from exercises.models import Exercise

DATA = Path(__file__).parent.parent / "data" / "mme"
SAMPLE = DATA / "sample.csv"
FULL_FILE = Path(settings.BASE_DIR).parent / "shared" / "datasets" / "mme_v7.csv"


def exercise(identifier: str) -> Exercise:
    return Exercise.objects.get(external_ids__source__key="mme-v7", external_ids__identifier=identifier)


def codes(identifier: str) -> set[str]:
    return set(exercise(identifier).participations.values_list("state__code", flat=True))


def variant(tmp_path: Path, changes: dict[str, dict[str, str]], drop: tuple[str, ...] = ()) -> Path:
    """A copy of the sample with some cells changed (by MMEID and column) and some rows left out."""
    with SAMPLE.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = [row | changes.get(row["MMEID"], {}) for row in reader if row["MMEID"] not in drop]
        header = reader.fieldnames
    path = tmp_path / "variant.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, header)
        writer.writeheader()
        writer.writerows(rows)
    return path
