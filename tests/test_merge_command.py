"""manage.py merge_exercises: merges two exercises, or undoes a merge; errors exit non-zero in one line."""

import pytest
from django.core.management import ManagementUtility
from django.db import connections

from exercises.models import Exercise, ExerciseMerge, Participation
from tests.factories import exercise

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(capsys, monkeypatch):
    """``run(*ARGS)``: (exit status, stdout, stderr) of ``manage.py merge_exercises ARGS``, as a shell sees
    them (the command's connections left open for the test's transaction)."""
    monkeypatch.setattr(connections, "close_all", lambda: None)

    def run(*args):
        try:
            ManagementUtility(["manage.py", "merge_exercises", *args]).execute()
            status = 0
        except SystemExit as exit:
            status = exit.code
        out, err = capsys.readouterr()
        return status, out, err

    return run


def test_merging_prints_one_line_saying_what_was_done(run):
    keep = exercise(slug="keep", participants=["RU", "KZ"])
    exercise(slug="other", participants=["KZ", "KG"])
    status, out, err = run("keep", "other", "--reason", "one exercise, two reports")
    assert (status, err) == (0, "")
    assert out.splitlines() == [
        "Merged other into keep: 1 participation combined, 1 participation moved. "
        "Undo with: merge_exercises --undo other"
    ]
    assert Participation.objects.filter(exercise=keep).count() == 3
    assert ExerciseMerge.objects.get(other_slug="other").reason == "one exercise, two reports"


def test_undo_splits_the_exercise_off_again(run):
    exercise(slug="keep")
    other = exercise(slug="other")
    run("keep", "other")
    status, out, _ = run("--undo", "other")
    assert (status, out) == (0, "Split other off keep again: the merge is undone.\n")
    assert Exercise.objects.get(slug="other").pk == other.pk


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["keep", "nowhere"], "No exercise nowhere."),
        (["keep", "keep"], "Cannot merge keep with itself."),
        (["keep", "phase"], "phase is a phase of keep: an exercise cannot be merged with its phase."),
        (["keep"], "Give two slugs, KEEP OTHER (or --undo OTHER)."),
        (["--undo", "keep"], "No merge of keep to undo."),
    ],
)
def test_a_refused_merge_exits_non_zero_with_one_line_and_changes_nothing(run, args, message):
    keep = exercise(slug="keep")
    exercise(slug="phase", parent=keep)
    status, out, err = run(*args)
    assert (status, out, err) == (1, "", f"CommandError: {message}\n")
    assert not ExerciseMerge.objects.exists() and Exercise.objects.filter(slug="phase", parent=keep).exists()


def test_a_merged_slug_is_named_where_it_went(run):
    exercise(slug="keep"), exercise(slug="other"), exercise(slug="third")
    run("keep", "other")
    assert run("third", "other")[2] == "CommandError: No exercise other: it was merged into keep.\n"


def test_undoing_twice_is_refused(run):
    exercise(slug="keep"), exercise(slug="other")
    run("keep", "other")
    run("--undo", "other")
    status, _, err = run("--undo", "other")
    assert status == 1 and err.startswith("CommandError: The merge of other was undone already, at ")
    assert len(err.splitlines()) == 1
