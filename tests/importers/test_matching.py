"""The rule that makes one exercise of several sources' rows (exercises.importers.matching), each part
on its own, then on small MME and JME files imported in both orders."""

import datetime as dt

import pytest

from exercises.importers.jme import import_jme
from exercises.importers.matching import Side, name_keys, verdict
from exercises.importers.mme import import_mme
from exercises.models import Exercise, ExternalIdentifier, PossibleDuplicate
from tests.importers.jme_sample import mme_file, mme_row, row, workbook

MAY_1991 = (dt.date(1991, 5, 1), dt.date(1991, 5, 31))


def side(names=("cobra gold",), span=MAY_1991, participants=("THA", "USA"), series="", precise=True) -> Side:
    return Side("x", set(names), series, span, frozenset(participants), precise)


# -- Names ------------------------------------------------------------------------------------------
def test_a_two_or_four_digit_year_of_the_exercise_is_not_part_of_the_name():
    assert name_keys("Cooperative Osprey 96", {1996}) == name_keys("Cooperative Osprey 1996", {1996})


def test_a_number_that_is_not_the_year_stays_in_the_name():
    assert name_keys("Balikatan 02-1", {2002}) != name_keys("Balikatan 02-2", {2002})


def test_case_punctuation_and_the_word_exercise_are_ignored():
    assert name_keys("Exercise COBRA-GOLD", {1991}) == name_keys("cobra gold", {1991})


def test_a_parenthesised_part_is_another_name():
    assert "interaction" in name_keys("Vzaimodeystviye (Interaction) 2010", {2010})
    assert "vzaimodeystviye" in name_keys("Vzaimodeystviye (Interaction) 2010", {2010})


# -- Verdicts ---------------------------------------------------------------------------------------
def test_same_name_overlapping_dates_and_a_shared_participant_match():
    assert verdict(side(span=(dt.date(1991, 5, 12), dt.date(1991, 5, 12))), side())[0] is True


def test_a_side_without_participants_does_not_prevent_a_match():
    assert verdict(side(participants=()), side())[0] is True


def test_same_name_same_year_but_dates_apart_is_for_review():
    later = (dt.date(1991, 9, 1), dt.date(1991, 9, 30))
    assert verdict(side(span=later), side()) == (False, "same name in the same year, but the dates do not overlap")


def test_same_name_other_year_is_unrelated():
    assert verdict(side(span=(dt.date(1992, 5, 1), dt.date(1992, 5, 31))), side()) is None


def test_same_name_without_a_common_participant_is_for_review():
    found = verdict(side(participants=("FRA", "DEU")), side())
    assert found == (False, "same name and overlapping dates, but no participant in common")


def test_same_series_under_other_names_is_for_review():
    found = verdict(
        side(names=("cobra gold a",), series="cobra gold"), side(names=("cobra gold b",), series="cobra gold")
    )
    assert found[0] is False and "same series" in found[1]


def test_two_unnamed_exercises_with_the_same_participants_on_the_same_days_are_for_review():
    assert verdict(side(names=()), side(names=()))[0] is False
    assert verdict(side(names=(), precise=False), side(names=())) is None


# -- Whole imports ----------------------------------------------------------------------------------
@pytest.fixture
def files(tmp_path, db):
    mme = mme_file(
        tmp_path,
        [
            mme_row(
                "mme1", "Cobra Gold 91", "5/10/91", "5/20/91", ["Thailand", "United States"], Series_Name="Cobra Gold"
            ),
            mme_row("mme2", "Sea Breeze 1997", "8/25/97", "8/30/97", ["Ukraine", "United States", "Bulgaria"]),
            mme_row("mme3", "Lone Star", "3/1/99", "3/5/99", ["France", "Chad"]),
            mme_row("mme4", "Twin 2005", "4/1/05", "4/3/05", ["India", "France"]),
        ],
    )
    jme = workbook(
        tmp_path,
        [
            row("Cobra Gold 1991", "05/xx/1991", "05/20/1991", ["THA", "USA"], Location1="Thailand"),
            row("Sea Breeze 97", "08/25/1997", "08/30/1997", ["UKR", "USA", "RUS"]),
            row("Lone Star", "09/01/1999", "09/05/1999", ["FRA", "TCD"]),
            row("Twin 05", "04/01/2005", "04/03/2005", ["IND", "FRA"]),
            row("Twin 2005", "04/02/2005", "04/03/2005", ["IND"]),
        ],
    )
    return mme, jme


def grouping() -> dict:
    """The exercises as sets of source records, with their curated fields, participants and disputes."""
    out = {}
    for exercise in Exercise.objects.filter(external_ids__isnull=False).distinct():
        records = frozenset(exercise.external_ids.values_list("source__key", "identifier"))
        participants = {
            (p.state.code, tuple(sorted(p.citations.values_list("source__key", flat=True))), p.notes)
            for p in exercise.participations.select_related("state")
        }
        fields = (exercise.name, exercise.start, exercise.end, exercise.curated_from.key, exercise.source_count)
        disputes = tuple(getattr(exercise, f"disputed_{name}") for name in Exercise.DISPUTABLE)
        out[records] = (fields, frozenset(participants), disputes)
    return out


def review_pairs() -> set:
    def records(exercise):
        return frozenset(exercise.external_ids.values_list("source__key", "identifier"))

    return {frozenset((records(p.first), records(p.second))) for p in PossibleDuplicate.objects.all()}


def test_rows_of_two_data_sets_on_one_exercise_become_one_exercise_with_both_records(files):
    mme, jme = files
    import_mme(mme)
    summary = import_jme(jme)
    assert summary.linked == 2  # Cobra Gold, Sea Breeze; Lone Star's dates differ; Twin matches twice
    cobra = Exercise.objects.get(external_ids__source__key="jme-v3", external_ids__identifier="row2")
    assert set(cobra.external_ids.values_list("source__key", "identifier")) == {("mme-v7", "mme1"), ("jme-v3", "row2")}
    assert cobra.source_count == 2 and cobra.curated_from.key == "mme-v7" and cobra.name == "Cobra Gold 91"


def test_a_participant_one_source_names_is_attested_by_that_source_only(files):
    import_mme(files[0])
    import_jme(files[1])
    breeze = Exercise.objects.get(external_ids__identifier="mme2")
    sources = {
        p.state.code: set(p.citations.values_list("source__key", flat=True)) for p in breeze.participations.all()
    }
    assert sources == {"UKR": {"mme-v7", "jme-v3"}, "USA": {"mme-v7", "jme-v3"}, "BGR": {"mme-v7"}, "RUS": {"jme-v3"}}
    assert breeze.disputed_participants and not breeze.disputed_dates


def test_unclear_pairs_are_listed_for_review_and_not_merged(files):
    import_mme(files[0])
    summary = import_jme(files[1])
    reasons = sorted(reason for _, _, _, reason in summary.review)
    assert reasons[0] == "same name in the same year, but the dates do not overlap"  # Lone Star
    assert sum("2 rows of the file match" in reason for reason in reasons) == 2  # Twin 05 and Twin 2005
    assert ExternalIdentifier.objects.get(identifier="row4").exercise_id != (
        ExternalIdentifier.objects.get(identifier="mme3").exercise_id
    )


def test_import_order_does_not_matter(files):
    mme, jme = files
    import_mme(mme)
    import_jme(jme)
    first, first_pairs = grouping(), review_pairs()
    Exercise.objects.filter(external_ids__isnull=False).delete()
    PossibleDuplicate.objects.all().delete()
    import_jme(jme)
    import_mme(mme)
    assert grouping() == first
    assert review_pairs() == first_pairs


def test_a_second_import_of_either_changes_nothing(files):
    import_mme(files[0])
    import_jme(files[1])
    assert not +import_mme(files[0]).written
    assert not +import_jme(files[1]).written


def test_the_reported_figure_follows_the_source_of_highest_precedence_whichever_came_first(tmp_path, db):
    mme = mme_file(
        tmp_path,
        [
            mme_row(
                "mme1",
                "Cobra Gold 91",
                "5/10/91",
                "5/20/91",
                ["Thailand", "United States"],
                FocusDescription="about 12,000 troops took part",
            )
        ],
    )
    jme = workbook(
        tmp_path,
        [
            row(
                "Cobra Gold 91",
                "05/10/1991",
                "05/20/1991",
                ["THA", "USA"],
                **{"What is the purpose of the JME?": "some 20,000 troops"},
            )
        ],
    )
    results = []
    for first, second in ((import_mme, import_jme), (import_jme, import_mme)):
        paths = {import_mme: mme, import_jme: jme}
        first(paths[first])
        second(paths[second])
        cobra = Exercise.objects.get(external_ids__identifier="mme1")
        results.append((cobra.reported_troops, cobra.disputed_troops, cobra.troop_figures.count()))
        Exercise.objects.filter(external_ids__isnull=False).delete()
    assert results == [(12000, True, 2), (12000, True, 2)]


def test_a_merge_of_two_rows_of_one_data_set_survives_its_reimport(files):
    from exercises.merges import merge_exercises

    import_mme(files[0])
    keep = Exercise.objects.get(external_ids__identifier="mme1")
    other = Exercise.objects.get(external_ids__identifier="mme2")
    merge_exercises(keep, other)
    assert not +import_mme(files[0]).written
    assert set(keep.external_ids.values_list("identifier", flat=True)) == {"mme1", "mme2"}
    assert not Exercise.objects.filter(slug=other.slug).exists()
