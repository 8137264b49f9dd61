"""The citations importers write: excerpts, values, and which records are the importer's own."""

import pytest

from exercises.importers.citations import CITATION_FIELDS, citation, cited_ids, excerpt
from exercises.models import Citation, Location, Source


def test_long_texts_are_cut_to_a_citation_excerpt():
    cut = excerpt(" ".join(f"word{n}" for n in range(40)))
    assert len(cut.split()) == 25
    assert cut.endswith("word23 …")


def test_citation_sets_its_target_and_empties_the_others():
    values = citation("location", 7, "Vieques", "mme87 Location")
    assert set(values) == set(CITATION_FIELDS)
    assert (values["location_id"], values["exercise_id"], values["locator"]) == (7, None, "mme87 Location")


def test_citation_locator_is_cut_to_the_column():
    assert len(citation("exercise", 1, "", "x" * 150)["locator"]) == 100


@pytest.mark.django_db
def test_cited_ids_are_the_records_the_source_cites():
    source = Source.objects.get(key="mme-v7")
    cited, uncited = Location.objects.create(slug="cited", name="Cited"), Location.objects.create(slug="x", name="X")
    Citation.objects.create(source=source, key="cited", location=cited)
    assert cited_ids(source, "location") == {cited.pk}
    assert uncited.pk not in cited_ids(source, "location")
