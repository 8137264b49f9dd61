"""exercises.merges: two records of one exercise made one, everything of both kept, and the merge undone."""

import datetime as dt
import json

import pytest
from django.core import serializers
from django.db.models import Q

from exercises import merges, services
from exercises.choices import RelationKind, ThreatType
from exercises.models import (
    Citation,
    Exercise,
    ExerciseMerge,
    ExerciseName,
    ExerciseRelation,
    ExternalIdentifier,
    Force,
    Location,
    Organisation,
    OrganisationParticipation,
    Participation,
    PossibleDuplicate,
    Scenario,
    Source,
    State,
    TroopFigure,
)
from tests.factories import exercise, month

pytestmark = pytest.mark.django_db

SEED, MME = "kucera-2011-csto-vision", "mme-v7"


def source(key):
    return Source.objects.get(key=key)


def cite(key, **target):
    return Citation.objects.create(source=source(key), **target)


def participation(item, code):
    return Participation.objects.get(exercise=item, state=State.objects.lookup(code))


def figure(item, key, low, state=None, reported=False):
    return TroopFigure.objects.create(
        exercise=item, key=key, low=low, high=low, state=state and State.objects.lookup(state), is_reported=reported
    )


def pair(keep, other, status=PossibleDuplicate.Status.OPEN):
    first, second = sorted([keep, other], key=lambda e: e.pk)
    return PossibleDuplicate.objects.create(first=first, second=second, reason="same name, same year", status=status)


def attesting(item):
    """Each participant's state code and the sources citing its participation."""
    rows = Participation.objects.filter(exercise=item).select_related("state").prefetch_related("citations__source")
    return {p.state.code: {c.source.key for c in p.citations.all()} for p in rows}


# -- What a merge keeps ------------------------------------------------------------------------------
def test_a_participant_named_by_both_becomes_one_participation_attested_by_both_sources():
    keep, other = exercise(participants=["KZ"]), exercise(participants=["KZ"])
    cite(SEED, participation=participation(keep, "KZ"))
    cite(MME, participation=participation(other, "KZ"))
    merges.merge_exercises(keep, other)
    assert attesting(keep) == {"KAZ": {SEED, MME}}


def test_a_combined_participation_keeps_its_role_and_takes_only_a_missing_one():
    keep, other = (
        exercise(participants=[("KZ", "host"), "RU"]),
        exercise(participants=[("KZ", "participant"), ("RU", "host")]),
    )
    merges.merge_exercises(keep, other)
    roles = dict(Participation.objects.filter(exercise=keep).values_list("state__code", "role"))
    assert roles == {"KAZ": "host", "RUS": "host"}


def test_the_csto_2010_record_of_mme_adds_its_attestation_to_five_of_the_seven_participants():
    csto = Exercise.objects.get(slug="csto-exercises-2010")
    record = exercise(name="CSTO exercise 2010", participants=["ARM", "KAZ", "KGZ", "RUS", "TJK"])
    for item in Participation.objects.filter(exercise=record):
        cite(MME, participation=item)
    merges.merge_exercises(csto, record)
    both = {SEED, MME}
    expected = {"ARM": both, "BLR": {SEED}, "KAZ": both, "KGZ": both, "RUS": both, "TJK": both, "UZB": {SEED}}
    assert attesting(csto) == expected


def test_the_others_parts_move_to_the_kept_exercise():
    keep, other = exercise(participants=["RU"]), exercise(participants=["KG"])
    cyber = Organisation.objects.get(acronym="CSTO")
    OrganisationParticipation.objects.create(exercise=other, organisation=cyber)
    figure(other, "kg", 300, state="KG")
    Force.objects.create(exercise=other, key="flotilla", name="Caspian Flotilla")
    Scenario.objects.create(exercise=other, key="landing", title="Landing", threat_type=ThreatType.AMPHIBIOUS_LANDING)
    ExternalIdentifier.objects.create(exercise=other, source=source(MME), identifier="row-1")
    cite(MME, exercise=other, field="start_date")
    phase = exercise(parent=other)
    merges.merge_exercises(keep, other)
    assert set(Participation.objects.filter(exercise=keep).values_list("state__code", flat=True)) == {"RUS", "KGZ"}
    for model in (OrganisationParticipation, TroopFigure, Force, Scenario, ExternalIdentifier):
        assert model.objects.filter(exercise=keep).count() == 1, model
    assert Citation.objects.filter(exercise=keep, field="start_date").exists()
    assert Exercise.objects.get(pk=phase.pk).parent_id == keep.pk
    assert not Exercise.objects.filter(pk=other.pk).exists()


def test_a_key_the_kept_exercise_uses_gets_a_suffix():
    keep, other = exercise(), exercise()
    for item in (keep, other):
        Force.objects.create(exercise=item, key="flotilla", name="Caspian Flotilla")
    Force.objects.create(exercise=keep, key="flotilla-2", name="Northern Fleet")
    merges.merge_exercises(keep, other)
    assert sorted(Force.objects.filter(exercise=keep).values_list("key", flat=True)) == [
        "flotilla",
        "flotilla-2",
        "flotilla-3",
    ]


def test_the_kept_exercises_reported_figure_stays_reported_for_the_whole_and_per_state():
    keep, other = exercise(), exercise()
    figure(keep, "total", 1000, reported=True)
    figure(keep, "kz", 100, state="KZ", reported=True)
    figure(other, "total-mme", 5000, reported=True)
    figure(other, "kz-mme", 500, state="KZ", reported=True)
    figure(other, "ru-mme", 700, state="RU", reported=True)
    merges.merge_exercises(keep, other)
    reported = dict(TroopFigure.objects.filter(exercise=keep, is_reported=True).values_list("key", "low"))
    assert reported == {"total": 1000, "kz": 100, "ru-mme": 700}
    assert Exercise.objects.get(pk=keep.pk).reported_troops == 1000
    assert TroopFigure.objects.filter(exercise=keep).count() == 5


def test_the_others_name_becomes_an_alternative_name_of_the_kept_exercise():
    keep, other = exercise(name="Tsentr-2011"), exercise(name="Center-2011", slug="center-2011")
    merges.merge_exercises(keep, other)
    assert list(ExerciseName.objects.filter(exercise=keep).values_list("name", "note")) == [
        ("Center-2011", "merged from center-2011")
    ]


def test_no_alternative_name_repeats_the_kept_name_or_another_alternative_name():
    keep, other, third = exercise(name="Tsentr-2011"), exercise(name="Tsentr-2011"), exercise(name="Center-2011")
    ExerciseName.objects.create(exercise=keep, name="Center-2011")
    ExerciseName.objects.create(exercise=third, name="Center-2011", language="en")
    merges.merge_exercises(keep, other)
    merges.merge_exercises(keep, third)
    assert list(ExerciseName.objects.filter(exercise=keep).values_list("name", flat=True)) == ["Center-2011"]


def test_the_kept_exercise_keeps_its_fields_and_takes_only_what_it_lacks():
    keep = exercise(name="Tsentr-2011", start=month(2011, 9), purpose="Counter-terrorism")
    other = exercise(
        name="Center-2011",
        start=month(2011, 8),
        end=(dt.date(2011, 9, 27), "day"),
        series="Tsentr",
        purpose="Stability",
        description="Strategic exercise",
    )
    merges.merge_exercises(keep, other)
    keep.refresh_from_db()
    assert (keep.name, keep.start, keep.end, keep.purpose) == (
        "Tsentr-2011",
        "2011-09",
        "2011-09-27",
        "Counter-terrorism",
    )
    assert (keep.series, keep.description, keep.span_end) == ("Tsentr", "Strategic exercise", dt.date(2011, 9, 27))


def test_a_descriptive_name_gives_way_to_the_others_name():
    keep = exercise(name="CSTO exercises, 2010", name_is_descriptive=True)
    other = exercise(name="Vzaimodeistvie-2010")
    merges.merge_exercises(keep, other)
    keep.refresh_from_db()
    assert (keep.name, keep.name_is_descriptive) == ("Vzaimodeistvie-2010", False)
    assert not ExerciseName.objects.filter(exercise=keep).exists()


def test_a_date_that_would_end_the_exercise_before_it_starts_is_not_taken():
    keep, other = exercise(start=month(2012, 9)), exercise(end=month(2011, 9))
    merges.merge_exercises(keep, other)
    keep.refresh_from_db()
    assert (keep.start, keep.end) == ("2012-09", None)


def test_the_other_places_are_added_to_the_kept_ones():
    caspian, bishkek = Location.objects.get(slug="caspian-sea"), Location.objects.get(slug="bishkek-vicinity")
    keep, other = exercise(), exercise()
    keep.locations.add(caspian)
    other.locations.add(caspian, bishkek)
    merges.merge_exercises(keep, other)
    assert set(keep.locations.all()) == {caspian, bishkek}


def test_relations_move_and_a_relation_between_the_two_is_dropped():
    keep, other, third, fourth = exercise(), exercise(), exercise(), exercise()
    concurrent = RelationKind.CONCURRENT
    ExerciseRelation.objects.create(from_exercise=keep, to_exercise=other, kind=concurrent)
    ExerciseRelation.objects.create(from_exercise=keep, to_exercise=third, kind=concurrent)
    twin = ExerciseRelation.objects.create(from_exercise=other, to_exercise=third, kind=concurrent)
    cite(MME, relation=twin)
    ExerciseRelation.objects.create(from_exercise=fourth, to_exercise=other, kind=concurrent)
    merges.merge_exercises(keep, other)
    links = ExerciseRelation.objects.filter(Q(from_exercise=keep) | Q(to_exercise=keep))
    assert sorted(links.values_list("from_exercise", "to_exercise")) == sorted(
        [(keep.pk, third.pk), (fourth.pk, keep.pk)]
    )
    assert Citation.objects.get(source__key=MME).relation.from_exercise_id == keep.pk


def test_the_pair_is_marked_merged_in_its_history_and_others_pairs_point_at_the_kept_exercise():
    keep, other, third, fourth = exercise(), exercise(), exercise(), exercise()
    merged = pair(keep, other)
    moved = pair(other, third)
    duplicate = pair(other, fourth)
    pair(keep, fourth)
    merges.merge_exercises(keep, other)
    assert list(merged.history.values_list("status", "history_type")[:2]) == [("merged", "-"), ("merged", "~")]
    moved.refresh_from_db()
    assert sorted([moved.first_id, moved.second_id]) == sorted([keep.pk, third.pk]) and moved.first_id < moved.second_id
    assert not PossibleDuplicate.objects.filter(pk=duplicate.pk).exists()
    assert PossibleDuplicate.objects.filter(Q(first=keep) | Q(second=keep)).count() == 2


def test_the_merge_records_the_other_and_its_history_keeps_it():
    keep, other = exercise(), exercise(slug="zapad-b")
    merge = merges.merge_exercises(keep, other, by="alice", reason="one exercise, two reports")
    assert (merge.kept, merge.other_slug, merge.other_id, merge.merged_by) == (keep, "zapad-b", other.pk, "alice")
    assert merge.snapshot["other"]["fields"]["slug"] == "zapad-b"
    assert Exercise.history.filter(id=other.pk).latest().history_type == "-"


def test_a_merge_that_fails_halfway_writes_nothing(two_records, monkeypatch):
    keep, other, ids = two_records
    before = dump(*ids)

    def fail(self):
        raise merges.MergeError("no places today")

    monkeypatch.setattr(merges._Merge, "places", fail)
    with pytest.raises(merges.MergeError):
        merges.merge_exercises(keep, other)
    assert dump(*ids) == before


def test_merging_an_exercise_with_itself_is_refused():
    item = exercise()
    with pytest.raises(merges.MergeError, match="itself"):
        merges.merge_exercises(item, item)


@pytest.mark.parametrize("phase_is_kept", [True, False])
def test_merging_an_exercise_with_one_of_its_phases_is_refused(phase_is_kept):
    whole = exercise()
    phase = exercise(parent=exercise(parent=whole))  # a phase of a phase is a phase too
    keep, other = (phase, whole) if phase_is_kept else (whole, phase)
    with pytest.raises(merges.MergeError, match="is a phase of"):
        merges.merge_exercises(keep, other)
    assert Exercise.objects.filter(pk=other.pk).exists()


def test_every_relation_to_an_exercise_is_one_the_merge_handles():
    """A new model pointing at exercises must be taught to the merge (or deleting the other would take it)."""
    relations = {
        relation.related_model._meta.model_name if relation.hidden else relation.name
        for relation in Exercise._meta.get_fields(include_hidden=True)
        if (relation.auto_created and not relation.concrete or relation.many_to_many)
        and not relation.related_model._meta.model_name.startswith("historical")
        and relation.related_model is not Exercise.locations.through
    }
    assert relations == merges.HANDLED_RELATIONS


# -- Resolving a merged slug -------------------------------------------------------------------------
def test_a_merged_slug_resolves_to_the_kept_exercise_along_a_chain():
    first, second, third = exercise(slug="a"), exercise(slug="b"), exercise(slug="c")
    merges.merge_exercises(second, first)
    merge = merges.merge_exercises(third, second)
    assert (merges.resolve_merged("a"), merges.resolve_merged("b")) == (third, third)
    merges.split(merge)
    assert merges.resolve_merged("a") == Exercise.objects.get(slug="b")


def test_a_slug_never_merged_resolves_to_nothing():
    assert merges.resolve_merged("tsentr-2011") is None


# -- Undoing -----------------------------------------------------------------------------------------
IGNORED = {"updated_at", "version"}


def dump(*ids):
    """Both exercises and everything of them, as natural-key JSON with ids (what 'as it was' means)."""
    exercises = Q(exercise__in=ids)
    parts = [Participation, OrganisationParticipation, TroopFigure, Force, Scenario, ExerciseName, ExternalIdentifier]
    cited = Q(exercise__in=ids) | Q(relation__from_exercise__in=ids) | Q(relation__to_exercise__in=ids)
    for name in ("participation", "organisation_participation", "troop_figure", "force", "scenario"):
        cited |= Q(**{f"{name}__exercise__in": ids})
    rows = [
        *Exercise.objects.filter(Q(pk__in=ids) | Q(parent__in=ids)).order_by("pk"),
        *(row for model in parts for row in model.objects.filter(exercises).order_by("pk")),
        *ExerciseRelation.objects.filter(Q(from_exercise__in=ids) | Q(to_exercise__in=ids)).order_by("pk"),
        *Citation.objects.filter(cited).order_by("pk"),
        *PossibleDuplicate.objects.filter(Q(first__in=ids) | Q(second__in=ids)).order_by("pk"),
    ]
    data = json.loads(serializers.serialize("json", rows, use_natural_foreign_keys=True))
    for row in data:
        for name in IGNORED:
            row["fields"].pop(name, None)
    return data


@pytest.fixture
def two_records():
    """Two records of one exercise, with something of every kind, overlapping wherever they can."""
    caspian, bishkek = Location.objects.get(slug="caspian-sea"), Location.objects.get(slug="bishkek-vicinity")
    concurrent = RelationKind.CONCURRENT
    keep = exercise(name="CSTO drill", name_is_descriptive=True, participants=["RU", "KZ"], start=month(2012, 9))
    other = exercise(
        name="Rubezh-2012", slug="rubezh-2012", participants=[("KZ", "host"), "KG"], end=month(2012, 9), series="Rubezh"
    )
    for item, key in ((keep, SEED), (other, MME)):
        for p in Participation.objects.filter(exercise=item):
            cite(key, participation=p)
        cite(key, exercise=item, field="name")
        cite(key, troop_figure=figure(item, "total", 1000 if item == keep else 2000, reported=True))
        Force.objects.create(exercise=item, key="flotilla", name="Caspian Flotilla")
        Scenario.objects.create(
            exercise=item, key="landing", title="Landing", threat_type=ThreatType.AMPHIBIOUS_LANDING
        )
        ExerciseName.objects.create(exercise=item, name="Rubezh")
        OrganisationParticipation.objects.create(exercise=item, organisation=Organisation.objects.get(acronym="CSTO"))
        item.locations.add(caspian)
    cite(MME, organisation_participation=OrganisationParticipation.objects.get(exercise=other))
    other.locations.add(bishkek)
    figure(other, "kz", 200, state="KZ", reported=True)
    ExerciseName.objects.create(exercise=other, name="Рубеж-2012", language="ru")
    ExternalIdentifier.objects.create(exercise=other, source=source(MME), identifier="row-7", claims={"name": "x"})
    third, fourth, phase = exercise(slug="third"), exercise(slug="fourth"), exercise(slug="phase", parent=other)
    ExerciseRelation.objects.create(from_exercise=keep, to_exercise=third, kind=concurrent, note="")
    cite(
        MME, relation=ExerciseRelation.objects.create(from_exercise=other, to_exercise=third, kind=concurrent, note="N")
    )
    cite(MME, relation=ExerciseRelation.objects.create(from_exercise=other, to_exercise=keep, kind=concurrent))
    ExerciseRelation.objects.create(from_exercise=fourth, to_exercise=other, kind=concurrent)
    pair(keep, other)
    pair(other, third)
    pair(other, fourth, status=PossibleDuplicate.Status.DISTINCT)
    pair(keep, fourth)
    merges.merge_exercises(other, exercise(slug="older-record"))  # a merge into the other, re-pointed and back
    services.refresh_derived([keep.pk, other.pk, phase.pk])
    return keep, other, [keep.pk, other.pk, third.pk, fourth.pk]


def test_undoing_gives_back_both_exercises_as_they_were(two_records):
    keep, other, ids = two_records
    before = dump(*ids)
    merge = merges.merge_exercises(keep, other)
    assert dump(*ids) != before
    merges.split(merge)
    assert dump(*ids) == before
    assert merges.resolve_merged("older-record") == Exercise.objects.get(pk=other.pk, slug="rubezh-2012")


def test_undoing_splits_a_combined_participation_back_with_its_citations(two_records):
    keep, other, _ = two_records
    kz = participation(other, "KZ").pk
    merges.split(merges.merge_exercises(keep, other))
    assert Participation.objects.get(pk=kz).exercise_id == other.pk
    assert attesting(other) == {"KAZ": {MME}, "KGZ": {MME}}
    assert attesting(keep) == {"KAZ": {SEED}, "RUS": {SEED}}


def test_undoing_gives_the_kept_exercise_its_own_fields_back(two_records):
    keep, other, _ = two_records
    merges.split(merges.merge_exercises(keep, other))
    keep.refresh_from_db()
    assert (keep.name, keep.name_is_descriptive, keep.end, keep.series, keep.year) == (
        "CSTO drill",
        True,
        None,
        "",
        2012,
    )


def test_undoing_keeps_an_edit_made_to_a_filled_field_since(two_records):
    keep, other, _ = two_records
    merge = merges.merge_exercises(keep, other)
    Exercise.objects.filter(pk=keep.pk).update(series="Rubezh (CSTO)")
    merges.split(merge)
    assert Exercise.objects.get(pk=keep.pk).series == "Rubezh (CSTO)"


def test_undoing_skips_rows_deleted_since_the_merge(two_records):
    keep, other, _ = two_records
    merge = merges.merge_exercises(keep, other)
    Force.objects.filter(exercise=keep).delete()
    Participation.objects.filter(exercise=keep, state__code="KGZ").delete()
    split_off = merges.split(merge)
    assert not Force.objects.filter(exercise=split_off).exists()
    assert attesting(split_off) == {"KAZ": {MME}}


def test_undoing_reopens_the_pair():
    keep, other = exercise(), exercise()
    merged = pair(keep, other)
    merges.split(merges.merge_exercises(keep, other))
    assert PossibleDuplicate.objects.get(pk=merged.pk).status == PossibleDuplicate.Status.OPEN


def test_undoing_twice_is_refused():
    merge = merges.merge_exercises(exercise(), exercise())
    merges.split(merge)
    with pytest.raises(merges.MergeError, match="undone already"):
        merges.split(merge)


def test_undoing_is_refused_while_a_new_exercise_has_the_slug():
    keep = exercise()
    merge = merges.merge_exercises(keep, exercise(slug="zapad-b"))
    exercise(slug="zapad-b")
    with pytest.raises(merges.MergeError, match="taken"):
        merges.split(merge)
    assert ExerciseMerge.objects.get(pk=merge.pk).undone_at is None


def test_undoing_a_merge_into_an_exercise_merged_since_waits_for_that_merge_to_be_undone():
    first, second, third = exercise(slug="a"), exercise(slug="b"), exercise(slug="c")
    earlier = merges.merge_exercises(second, first)
    merges.merge_exercises(third, second)
    with pytest.raises(merges.MergeError, match="b has since been merged into c"):
        merges.split(earlier)


def test_a_gap_filled_in_an_imported_exercise_makes_its_fields_the_analysts_until_undone():
    from exercises.models import Source

    mme = Source.objects.get(key="mme-v7")
    keep = exercise(name="Unnamed", name_is_descriptive=True, curated_from=mme)
    other = exercise(name="Cobra Gold 91")
    merge = merges.merge_exercises(keep, other)
    keep.refresh_from_db()
    assert (keep.name, keep.curated_from) == ("Cobra Gold 91", None)
    merges.split(merge)
    keep.refresh_from_db()
    assert (keep.name, keep.curated_from) == ("Unnamed", mme)


def test_undoing_gives_back_the_exact_creation_time(two_records):
    keep, other, _ = two_records
    exact = dt.datetime(2012, 9, 1, 8, 30, 0, 456, tzinfo=dt.UTC)  # within a millisecond's first microseconds
    Exercise.objects.filter(pk=other.pk).update(created_at=exact)
    merges.split(merges.merge_exercises(keep, Exercise.objects.get(pk=other.pk)))
    assert Exercise.objects.get(pk=other.pk).created_at == exact
