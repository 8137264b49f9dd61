"""MME's participants: names and codes to states, predecessors, groups, organisations, unmatched names."""

from collections import Counter

import pytest

from exercises.importers.mme import import_mme
from tests.importers.mme_sample import DATA, codes, exercise

pytestmark = pytest.mark.django_db


def test_import_maps_countrycode_spellings(sample):
    assert codes("mme9001") == {"COD", "COG", "MMR", "VCT", "CIV", "HKG", "LCA"}


def test_import_maps_st_christopher_to_st_kitts_and_nevis(sample):
    assert codes("mme9011") == codes("mme9010") == {"KNA", "USA"}


def test_federal_republic_of_germany_is_germany(sample):
    assert "DEU" in codes("mme90")


def test_former_states_keep_their_iso_3166_3_codes(sample):
    assert codes("mme650") == {"CSHH", "SUHH"}
    assert "YUCS" in codes("mme9020")


def test_russia_before_1992_is_the_soviet_union(sample):
    assert codes("mme94") == {"DDDE", "SUHH"}
    soviet = exercise("mme94").participations.get(state__code="SUHH")
    assert soviet.notes == 'MME lists "Russia"'
    assert "RUS" in codes("mme3493")  # 1997


def test_territories_are_their_own_states(sample):
    assert codes("mme9002") == {"BMU", "ANHH", "NCL", "GBR", "KOR"}


def test_nato_becomes_organisation_participant(sample):
    cope_thunder = exercise("mme2860")
    assert list(cope_thunder.organisation_participations.values_list("organisation__acronym", flat=True)) == ["NATO"]
    assert codes("mme2860") == {"AUS", "JPN", "USA"}


def test_nato_as_additional_participant_info_stays_text(sample):
    elder_forest = exercise("mme96")
    assert not elder_forest.organisation_participations.exists()
    assert elder_forest.participants_note.startswith("NATO")


def test_baltic_states_become_three_states(sample):
    tsentrazbat = exercise("mme3493")
    baltic = dict(
        tsentrazbat.participations.filter(state__code__in=["EST", "LVA", "LTU"]).values_list("state__code", "notes")
    )
    assert baltic == dict.fromkeys(["EST", "LVA", "LTU"], 'MME lists "Baltic States"')
    assert tsentrazbat.participations.filter(state__code="EST").count() == 1  # also listed by name


def test_unnamed_participants_are_counted_in_participants_note(sample):
    assert exercise("mme96").participants_note == "NATO\nMME lists 1 participant(s) it could not name (-9)."
    assert sample.unnamed_participants == 2


def test_unmatched_names_are_reported_and_flagged():
    summary = import_mme(DATA / "unmatched.csv")
    lost = exercise("mme9101")
    assert summary.unmatched == Counter({"Atlantis": 2})
    assert codes("mme9101") == {"USA"}
    assert lost.needs_review
    assert 'StateA "Atlantis" matches no state' in lost.review_notes


def test_sample_names_all_match(sample):
    assert sample.unmatched == Counter()
