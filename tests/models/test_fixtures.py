"""Fixtures load with plain loaddata into an empty database, with derived fields right (reloading them
changes nothing: test_durability)."""

import json
from pathlib import Path

import pytest
from django.core.management import call_command

from exercises.models import Exercise, Source, State
from tests.conftest import FIXTURES
from tests.factories import empty_the_app_tables

pytestmark = pytest.mark.django_db


def test_derived_fields_are_right_after_loaddata_into_an_empty_database():
    empty_the_app_tables()
    assert not State.objects.exists()
    call_command("loaddata", *FIXTURES, verbosity=0)
    derived = {e.slug: (e.year, str(e.span_start), str(e.span_end), e.reported_troops) for e in Exercise.objects.all()}
    assert derived == {
        "tsentr-2011": (2011, "2011-01-01", "2011-09-27", 12000),
        "tsentr-2011-kyrgyzstan": (2011, "2011-01-01", "2011-09-27", None),
        "tsentr-2011-kazakhstan": (2011, "2011-01-01", "2011-09-27", None),
        "russia-belarus-2011": (2011, "2011-01-01", "2011-12-31", 12000),
        "csto-exercises-2010": (2010, "2010-01-01", "2010-12-31", 1700),
    }


def test_derived_fields_survive_a_reload_that_omits_them():
    Exercise.objects.update(reported_troops=None, year=None, span_start=None, span_end=None)
    call_command("loaddata", *FIXTURES, verbosity=0)
    assert Exercise.objects.get(slug="tsentr-2011").reported_troops == 12000
    assert Exercise.objects.get(slug="tsentr-2011-kazakhstan").year == 2011


def test_fixtures_carry_no_primary_keys(settings):
    paths = [path for directory in settings.FIXTURE_DIRS for path in Path(directory).glob("*.json")]
    assert {path.stem for path in paths} >= set(FIXTURES)
    for path in paths:
        assert all("pk" not in obj for obj in json.loads(path.read_text())), path


def test_the_seed_is_registered_with_its_hash():
    seed = Source.objects.get(key="kucera-2011-csto-vision")
    assert seed.sha256 == "9ea4fda8e3d53da33a5899725faadbcfb4bc9484cd056aa88e7b3dad3778dedf"
    assert (seed.author, seed.publisher, str(seed.published_no_later_than)) == (
        "Joshua Kucera",
        "Eurasianet",
        "2011-10-02",
    )
