"""An exercise's detail says what each source says of it (according_to), where they disagree (disputed),
which source its own fields follow (curated_from), and who attests each participant."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from exercises.models import Exercise, OrganisationParticipation, Participation
from tests.factories import exercise
from tests.witnesses import ARTICLE, JME, MME, cite, figure, record, source, witnessed

pytestmark = pytest.mark.django_db


@pytest.fixture
def both():
    return witnessed()


def detail(api_client, created) -> dict:
    response = api_client.get(f"/api/v1/exercises/{created.slug}/")
    assert response.status_code == 200
    return response.json()


def said(detail_: dict, field: str) -> list[tuple]:
    return [(w["source"], w["identifier"], w["says"]) for w in detail_["according_to"][field]]


def test_names_and_dates_come_from_each_record_by_source(api_client, both):
    found = detail(api_client, both)
    assert said(found, "name") == [(JME, "jme77", "Union Shield-91"), (MME, "mme3406", "Union Shield")]
    assert said(found, "dates") == [
        (JME, "jme77", {"start": "1992-06", "end": None}),
        (MME, "mme3406", {"start": "1991-05", "end": "1991-05-20"}),
    ]


def test_places_come_from_the_records(api_client, both):
    assert said(detail(api_client, both), "places") == [(JME, "jme77", ["Murmansk"]), (MME, "mme3406", ["Chelyabinsk"])]


def test_each_witness_carries_its_records_locator(api_client, both):
    assert {w["locator"] for w in detail(api_client, both)["according_to"]["name"]} == {
        "row of jme77",
        "row of mme3406",
    }


def test_participants_are_what_each_sources_citations_name_organisations_last(api_client, both):
    assert said(detail(api_client, both), "participants") == [
        (JME, "jme77", ["KAZ", "RUS", "NATO"]),
        (MME, "mme3406", ["BLR", "KAZ", "RUS"]),
    ]


def test_a_source_without_a_record_speaks_of_participants_too(api_client, both):
    cite(ARTICLE, participation=Participation.objects.get(exercise=both, state__alpha2="RU"))
    witness = detail(api_client, both)["according_to"]["participants"][1]
    assert witness == {"source": ARTICLE, "identifier": None, "locator": None, "says": ["RUS"]}


def test_troops_are_the_whole_exercise_figures_as_displayed(api_client, both):
    # The JME figure of Belarus's contingent (300) is not the exercise's troops.
    assert said(detail(api_client, both), "troops") == [(JME, "jme77", "20,000"), (MME, "mme3406", "5,000")]


def test_fields_no_source_speaks_of_are_empty_lists(api_client):
    found = detail(api_client, exercise(participants=["RU"]))
    assert found["according_to"] == {"name": [], "dates": [], "participants": [], "places": [], "troops": []}


def test_disputed_gives_every_disputable_field_with_its_stored_flag(api_client, both):
    assert detail(api_client, both)["disputed"] == {"participants": True, "dates": True, "places": True, "troops": True}
    Exercise.objects.filter(pk=both.pk).update(disputed_places=False, disputed_troops=False)
    assert detail(api_client, both)["disputed"] == {
        "participants": True,
        "dates": True,
        "places": False,
        "troops": False,
    }


def test_sources_agreeing_on_a_month_and_a_day_in_it_are_not_disputed(api_client):
    created = exercise()
    record(created, MME, "mme5", start="1995-05")
    record(created, JME, "jme5", start="1995-05-12")
    assert detail(api_client, created)["disputed"]["dates"] is False


def test_curated_from_is_the_source_key_or_null(api_client, both):
    assert detail(api_client, both)["curated_from"] is None
    Exercise.objects.filter(pk=both.pk).update(curated_from=source(MME))
    assert detail(api_client, both)["curated_from"] == MME


def test_each_participation_names_the_sources_attesting_it(api_client, both):
    found = {p["code"]: p["sources"] for p in detail(api_client, both)["participations"]}
    assert found == {"BLR": [MME], "KAZ": [JME, MME], "RUS": [JME, MME]}


def test_organisations_taking_part_name_their_sources(api_client, both):
    assert detail(api_client, both)["organisations_taking_part"] == [{"acronym": "NATO", "role": "", "sources": [JME]}]


def test_uncited_participation_has_no_sources(api_client):
    assert detail(api_client, exercise(participants=["RU"]))["participations"][0]["sources"] == []


def test_detail_sources_count_each_sources_records(api_client, both):
    sources = {s["key"]: s for s in detail(api_client, both)["sources"]}
    assert (sources[MME]["records"], sources[JME]["records"]) == (1, 1)
    assert sources[JME]["citations"] == 5  # two participants, NATO, two figures


def test_record_alone_makes_a_source_of_the_detail(api_client):
    created = exercise()
    record(created, JME, "jme9", name="Alone")
    assert [(s["key"], s["records"], s["citations"]) for s in detail(api_client, created)["sources"]] == [(JME, 1, 0)]


def test_seed_participants_according_to_the_article(api_client):
    tsentr = Exercise.objects.get(slug="tsentr-2011")
    assert said(detail(api_client, tsentr), "participants") == [(ARTICLE, None, ["KAZ", "KGZ", "RUS", "TJK"])]


def test_detail_queries_do_not_grow_with_sources_records_and_citations(api_client, both):
    def queries(created):
        api_client.get(f"/api/v1/exercises/{created.slug}/")
        with CaptureQueriesContext(connection) as captured:
            assert api_client.get(f"/api/v1/exercises/{created.slug}/").status_code == 200
        return len(captured)

    before = queries(both)
    for key in ("extra-one", "extra-two", "extra-three"):
        record(both, key, f"{key}-1", name="More", start="1991", places=["Chelyabinsk"])
        for participation in Participation.objects.filter(exercise=both):
            cite(key, participation=participation)
        cite(key, organisation_participation=OrganisationParticipation.objects.get(exercise=both))
        figure(both, 4000, key)
    Exercise.objects.filter(pk=both.pk).update(curated_from=source(MME))
    assert queries(both) <= before + 1  # + the source it follows


def test_schema_documents_according_to_disputed_and_curated_from(api_client):
    schemas = api_client.get("/api/schema/", {"format": "json"}).json()["components"]["schemas"]
    detail_ = schemas["ExerciseDetail"]["properties"]
    assert {"according_to", "disputed", "curated_from", "source_count"} <= set(detail_)
    assert list(schemas["AccordingTo"]["properties"]) == ["name", "dates", "participants", "places", "troops"]
    assert list(schemas["Disputed"]["properties"]) == list(Exercise.DISPUTABLE)
    assert "sources" in schemas["ParticipationInWhole"]["properties"]
