"""State lookups by code or name, and what the database enforces for places."""

import pytest

from exercises.models import Location, State, UnknownState
from tests.models.conftest import assert_rejected

pytestmark = pytest.mark.django_db


# -- State lookups -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("KZ", "KAZ"),
        ("kaz", "KAZ"),
        ("Kazakhstan", "KAZ"),
        ("russia", "RUS"),
        ("Russian Federation", "RUS"),
        ("KYRGYZSTAN", "KGZ"),
        ("Côte d’Ivoire", "CIV"),
        ("cote d'ivoire", "CIV"),
        ("Iran", "IRN"),
        ("Soviet Union", "SUHH"),
        ("SUHH", "SUHH"),
        ("Federal Republic of Germany", "DEU"),
        ("Zaire", "COD"),
        ("Chad", "TCD"),
    ],
)
def test_state_lookup_accepts_codes_and_names_in_any_case(text, code):
    assert State.objects.lookup(text).code == code


def test_state_lookup_of_historical_alpha2_does_not_shadow_current_state():
    # "CS" was Czechoslovakia's and then Serbia and Montenegro's code; neither is current.
    assert set(State.objects.filter(alpha2="CS").values_list("code", flat=True)) == {"CSHH", "CSXX"}
    with pytest.raises(UnknownState):
        State.objects.lookup("CS")


def test_state_lookup_raises_for_unknown_names():
    with pytest.raises(UnknownState) as info:
        State.objects.lookup("Atlantis")
    assert info.value.value == "Atlantis"


def test_state_resolve_uses_one_query(django_assert_num_queries):
    with django_assert_num_queries(1):
        resolved = State.objects.resolve(["KZ", "Russia", "tjk", "Kyrgyzstan"])
    assert [s.code for s in resolved.values()] == ["KAZ", "RUS", "TJK", "KGZ"]


def test_all_iso_3166_1_states_are_loaded():
    assert State.objects.filter(is_historical=False).count() == 249


# -- Locations ---------------------------------------------------------------------------------------
def test_database_rejects_latitude_out_of_range():
    assert_rejected(
        lambda: Location.objects.create(slug="nowhere", name="Nowhere", kind="site", latitude=95, longitude=10)
    )


def test_database_rejects_latitude_without_longitude():
    assert_rejected(lambda: Location.objects.create(slug="half", name="Half", kind="site", latitude=45))
