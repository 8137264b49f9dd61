"""The whole of MME v7 from the shared folder (skipped where it is absent), against totals computed
here from the CSV itself."""

import calendar
import csv
import datetime as dt
from collections import Counter

import pytest
from django.db import transaction
from django.db.models import Count

from exercises.importers.mme import import_mme
from exercises.models import Exercise
from tests.importers.mme_sample import FULL_FILE

pytestmark = pytest.mark.django_db


def csv_rows() -> list[dict[str, str]]:
    with FULL_FILE.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def listed(row: dict[str, str]) -> set[str]:
    return {value for column, value in row.items() if column.startswith("State") and value}


def expected_precisions(rows: list[dict[str, str]]) -> tuple[Counter, Counter]:
    """Start and end precisions from the s.* and e.* columns: xx day is month, an end before the start unknown."""
    starts, ends = Counter(), Counter()
    for row in rows:
        s_year, s_month, s_day = int(row["s.year"]), int(row["s.month"]), row["s.day"]
        e_year, e_month, e_day = int(row["e.year"]), int(row["e.month"]), row["e.day"]
        start = dt.date(s_year, s_month, 1 if s_day == "xx" else int(s_day))
        last = calendar.monthrange(e_year, e_month)[1] if e_day == "xx" else int(e_day)
        starts["month" if s_day == "xx" else "day"] += 1
        ends["unknown" if dt.date(e_year, e_month, last) < start else "month" if e_day == "xx" else "day"] += 1
    return starts, ends


@pytest.mark.skipif(not FULL_FILE.exists(), reason=f"the MME v7 data set is not at {FULL_FILE}")
class TestFullFile:
    """The whole of MME v7, imported once for the class (rolled back afterwards)."""

    @pytest.fixture(scope="class", autouse=True)
    @classmethod
    def full_import(cls, django_db_setup, django_db_blocker):
        """Import in a transaction of its own around the class's tests (each still rolls back its own)."""
        with django_db_blocker.unblock(), transaction.atomic():
            cls.summary = import_mme(FULL_FILE)
            cls.rows = csv_rows()
            yield
            transaction.set_rollback(True)

    def imported(self):
        return Exercise.objects.filter(external_ids__source__key="mme-v7")

    def test_every_row_becomes_an_exercise(self):
        assert self.summary.created == len(self.rows) == self.imported().count()
        assert self.summary.unmatched == Counter()

    @pytest.mark.parametrize(
        ("code", "year", "names"),
        [
            ("USA", 1995, {"United States"}),
            ("RUS", 2005, {"Russia"}),
            ("SUHH", 1985, {"Russia"}),
            ("DEU", 1985, {"Federal Republic of Germany", "Germany"}),
            ("DEU", 2000, {"Federal Republic of Germany", "Germany"}),
            ("KNA", 1992, {"St. Kitts & Nevis", "st. christopher"}),
        ],
    )
    def test_exercises_per_state_and_year_match_the_csv(self, code, year, names):
        expected = sum(1 for row in self.rows if row["s.year"] == str(year) and listed(row) & names)
        imported = self.imported().filter(year=year, participations__state__code=code).distinct().count()
        assert imported == expected > 0

    def test_date_precisions_match_the_csv(self):
        starts, ends = expected_precisions(self.rows)
        counts = {
            part: Counter(dict(self.imported().values_list(f"{part}_precision").annotate(n=Count("pk"))))
            for part in ("start", "end")
        }
        assert counts == {"start": starts, "end": ends}

    def test_reimport_changes_nothing(self):
        again = import_mme(FULL_FILE)
        assert (again.created, again.updated, again.unchanged) == (0, 0, len(self.rows))
        assert not +again.written
