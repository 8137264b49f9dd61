"""Merging in the admin: the change list's action with its confirmation page, possible duplicates, undo."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.urls import reverse

from exercises import merges
from exercises.models import Exercise, ExerciseMerge, PossibleDuplicate
from exercises.roles import ANALYST, VIEWER
from tests.factories import exercise

pytestmark = pytest.mark.django_db

EXERCISES = reverse("admin:exercises_exercise_changelist")
PAIRS = reverse("admin:exercises_possibleduplicate_changelist")
MERGES = reverse("admin:exercises_exercisemerge_changelist")


def logged_in(client, django_user_model, role):
    user = django_user_model.objects.create_user(role.lower(), password="a-long-test-password", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    client.force_login(user)
    return client


@pytest.fixture
def analyst(client, django_user_model):
    return logged_in(client, django_user_model, ANALYST)


@pytest.fixture
def two():
    return exercise(slug="zapad-a", name="Zapad-2013"), exercise(slug="zapad-b", name="West-2013")


def act(client, url, action, rows, **data):
    return client.post(url, {"action": action, "_selected_action": [row.pk for row in rows], **data})


def said(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


# -- The change list's action ------------------------------------------------------------------------
def test_merge_action_first_asks_which_exercise_to_keep(analyst, two):
    response = act(analyst, EXERCISES, "merge_selected", two)
    assert response.status_code == 200
    assert response.templates[0].name == "admin/exercises/exercise/merge_confirmation.html"
    assert {int(value) for value, _ in response.context["form"].fields["keep"].choices} == {e.pk for e in two}
    assert Exercise.objects.filter(slug__in=["zapad-a", "zapad-b"]).count() == 2


def test_merge_action_merges_into_the_exercise_chosen_with_the_reason(analyst, two):
    first, second = two
    response = act(analyst, EXERCISES, "merge_selected", two, post="yes", keep=second.pk, reason="one exercise")
    assert response.status_code == 302
    merge = ExerciseMerge.objects.get()
    assert (merge.kept, merge.other_slug, merge.merged_by, merge.reason) == (
        second,
        "zapad-a",
        "analyst",
        "one exercise",
    )
    assert said(response) == ["Merged zapad-a into zapad-b: nothing to move."]


def test_merge_action_needs_exactly_two_exercises(analyst, two):
    response = act(analyst, EXERCISES, "merge_selected", [*two, exercise()], post="yes", keep=two[0].pk)
    assert said(response) == ["Select exactly two exercises to merge."]
    assert not ExerciseMerge.objects.exists()


def test_merge_action_shows_why_a_merge_is_refused(analyst):
    whole = exercise(slug="whole")
    phase = exercise(slug="phase", parent=whole)
    response = act(analyst, EXERCISES, "merge_selected", [whole, phase], post="yes", keep=whole.pk)
    assert said(response) == ["phase is a phase of whole: an exercise cannot be merged with its phase."]


@pytest.mark.parametrize(("role", "offered"), [(ANALYST, True), (VIEWER, False)])
def test_the_merge_action_is_offered_to_analysts_not_viewers(client, django_user_model, role, offered):
    form = logged_in(client, django_user_model, role).get(EXERCISES).context["action_form"]
    actions = [name for name, _ in form.fields["action"].choices] if form else []
    assert ("merge_selected" in actions) is offered


# -- Possible duplicates -----------------------------------------------------------------------------
@pytest.fixture
def found(two):
    first, second = two
    return PossibleDuplicate.objects.create(first=first, second=second, reason="same year, similar name")


def test_the_list_of_possible_duplicates_links_both_exercises(analyst, found):
    body = analyst.get(PAIRS).content.decode()
    for item in (found.first, found.second):
        assert reverse("admin:exercises_exercise_change", args=[item.pk]) in body
    assert "same year, similar name" in body


def test_only_the_status_of_a_possible_duplicate_can_be_changed(analyst, found):
    form = analyst.get(reverse("admin:exercises_possibleduplicate_change", args=[found.pk])).context["adminform"]
    assert list(form.form.fields) == ["status"]


@pytest.mark.parametrize(("action", "kept"), [("merge_keeping_first", "zapad-a"), ("merge_keeping_second", "zapad-b")])
def test_a_possible_duplicate_is_merged_keeping_the_exercise_asked_for(analyst, found, action, kept):
    act(analyst, PAIRS, action, [found])
    merge = ExerciseMerge.objects.get()
    assert (merge.kept.slug, merge.reason) == (kept, "same year, similar name")


def test_a_possible_duplicate_is_marked_distinct(analyst, found):
    act(analyst, PAIRS, "mark_distinct", [found])
    assert PossibleDuplicate.objects.get(pk=found.pk).status == PossibleDuplicate.Status.DISTINCT


# -- Merges ------------------------------------------------------------------------------------------
def test_the_merges_list_shows_the_kept_exercise_and_who_merged(analyst, two):
    merges.merge_exercises(*two, by="alice", reason="one exercise")
    body = analyst.get(MERGES).content.decode()
    assert "zapad-b" in body and "alice" in body and "one exercise" in body
    assert reverse("admin:exercises_exercise_change", args=[two[0].pk]) in body


def test_a_merges_page_says_what_it_did(analyst, two):
    merge = merges.merge_exercises(*two)
    response = analyst.get(reverse("admin:exercises_exercisemerge_change", args=[merge.pk]))
    assert "Merged zapad-b into zapad-a: nothing to move." in response.content.decode()


def test_a_merge_is_undone_from_the_list(analyst, two):
    merge = merges.merge_exercises(*two)
    response = act(analyst, MERGES, "undo_selected", [merge])
    assert said(response) == ["Split zapad-b off again: the merge is undone."]
    assert Exercise.objects.get(slug="zapad-b").pk == two[1].pk
    assert ExerciseMerge.objects.get().undone_at is not None


def test_undoing_an_undone_merge_says_why_not(analyst, two):
    merge = merges.merge_exercises(*two)
    merges.split(merge)
    response = act(analyst, MERGES, "undo_selected", [merge])
    assert said(response)[0].startswith("The merge of zapad-b was undone already")


# -- What the list of pairs shows ------------------------------------------------------------------
PAIRS = "/admin/exercises/possibleduplicate/"


def pairs_of(count: int) -> None:
    for number in range(count):
        first = exercise(participants=["RU", "BY"], start=(dt.date(2013, 9, 20), "day"), name=f"Zapad {number}")
        second = exercise(participants=["RU"], name=f"West {number}")
        PossibleDuplicate.objects.create(first=first, second=second, reason="same series")


def test_each_pair_shows_both_exercises_dates_and_participants(analyst):
    pairs_of(1)
    page = analyst.get(PAIRS).content.decode()
    assert "2013-09-20" in page and "BLR RUS" in page and "no participant" not in page


@pytest.mark.parametrize("count", [1, 20])
def test_the_list_of_pairs_runs_the_same_queries_whatever_its_length(analyst, count, django_assert_num_queries):
    pairs_of(count)
    analyst.get(PAIRS)  # the session and permissions cached
    with django_assert_num_queries(9):  # session, user, permissions, filter, counts, pairs, participants
        assert analyst.get(PAIRS).status_code == 200
