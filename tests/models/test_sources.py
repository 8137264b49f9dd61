"""What the database enforces for sources and citations."""

import pytest

from exercises.models import Citation, Location, Source
from tests.factories import exercise
from tests.models.conftest import assert_rejected

pytestmark = pytest.mark.django_db

SEED = "kucera-2011-csto-vision"


def test_database_rejects_citation_with_two_targets():
    source = Source.objects.get(key=SEED)
    location = Location.objects.get(slug="caspian-sea")
    assert_rejected(lambda: Citation.objects.create(source=source, exercise=exercise(), location=location))


def test_database_rejects_citation_without_target():
    source = Source.objects.get(key=SEED)
    assert_rejected(lambda: Citation.objects.create(source=source))
