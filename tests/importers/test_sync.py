"""The generic write of an import: only differences are written, and a second run writes nothing."""

import pytest

from exercises.importers.sync import Changes, replace_groups, sync
from exercises.models import Location, Organisation

pytestmark = pytest.mark.django_db

FIELDS = ("name", "admin_region")


def held() -> dict[str, dict]:
    """The test's places as an importer reads them back: by slug, with their pk."""
    return {v["slug"]: v for v in Location.objects.filter(slug__startswith="t-").values("pk", "slug", *FIELDS)}


def place(slug: str, name: str, region: str = "") -> dict:
    return {"slug": slug, "name": name, "admin_region": region}


def test_sync_creates_the_missing_rows_in_wanted_order():
    changes = sync(Location, {"t-b": place("t-b", "B"), "t-a": place("t-a", "A")}, {}, fields=FIELDS)
    assert changes.created == ["t-b", "t-a"]
    assert changes.ids["t-b"] < changes.ids["t-a"]
    assert set(held()) == {"t-a", "t-b"}


def test_second_sync_of_the_same_rows_writes_nothing(django_assert_num_queries):
    wanted = {"t-a": place("t-a", "A"), "t-b": place("t-b", "B", "North")}
    first = sync(Location, wanted, held(), fields=FIELDS)
    again = held()
    with django_assert_num_queries(0):
        second = sync(Location, wanted, again, fields=FIELDS, removable=lambda values: True)
    assert (second.created, second.updated, second.removed) == ([], [], [])
    assert second.ids == first.ids


def test_sync_updates_only_rows_whose_fields_differ():
    sync(Location, {"t-a": place("t-a", "A"), "t-b": place("t-b", "B")}, {}, fields=FIELDS)
    changes = sync(Location, {"t-a": place("t-a", "A"), "t-b": place("t-b", "Bee")}, held(), fields=FIELDS)
    assert (changes.created, changes.updated) == ([], ["t-b"])
    assert Location.objects.get(slug="t-b").name == "Bee"


def test_sync_removes_only_the_stale_rows_it_may_remove():
    sync(Location, {"t-mine": place("t-mine", "Mine"), "t-theirs": place("t-theirs", "Theirs")}, {}, fields=FIELDS)
    changes = sync(Location, {}, held(), fields=FIELDS, removable=lambda values: values["name"] == "Mine")
    assert (changes.removed, changes.left) == (["t-mine"], ["t-theirs"])
    assert set(held()) == {"t-theirs"}


def test_sync_leaves_stale_rows_by_default():
    sync(Location, {"t-a": place("t-a", "A")}, {}, fields=FIELDS)
    assert sync(Location, {}, held(), fields=FIELDS).left == ["t-a"]
    assert set(held()) == {"t-a"}


def test_sync_prepares_each_written_instance_with_what_is_held():
    sync(Location, {"t-a": place("t-a", "A"), "t-same": place("t-same", "Same")}, {}, fields=FIELDS)
    seen = []

    def prepare(instance, held_values):
        seen.append((instance.slug, held_values and held_values["name"]))

    wanted = {"t-a": place("t-a", "A2"), "t-same": place("t-same", "Same"), "t-b": place("t-b", "B")}
    sync(Location, wanted, held(), fields=FIELDS, prepare=prepare)
    assert seen == [("t-a", "A"), ("t-b", None)]


def test_counts_name_what_was_done_without_zeros():
    assert Changes(created=["a", "b"], removed=["c"]).counts("place links", created="added") == {
        "place links added": 2,
        "place links removed": 1,
    }


def organisations(group: str) -> dict[str, dict]:
    rows = Organisation.objects.filter(acronym__startswith=group).values("pk", "acronym", "name")
    return {row["acronym"]: row for row in rows}


def test_replace_groups_keeps_a_group_that_is_as_wanted():
    wanted = {"T1": {"T1-a": {"acronym": "T1-a", "name": "A"}}, "T2": {"T2-a": {"acronym": "T2-a", "name": "B"}}}
    first = replace_groups(Organisation, wanted, {}, fields=("name",))
    held = {group: organisations(group) for group in wanted}
    second = replace_groups(Organisation, wanted, held, fields=("name",))
    assert (first.replaced, second.replaced, second.created, second.removed) == (["T1", "T2"], [], 0, 0)
    assert second.ids == first.ids


def test_replace_groups_replaces_a_changed_group_whole():
    wanted = {"T1": {"T1-a": {"acronym": "T1-a", "name": "A"}, "T1-b": {"acronym": "T1-b", "name": "B"}}}
    replace_groups(Organisation, wanted, {}, fields=("name",))
    before = organisations("T1")
    wanted["T1"]["T1-b"]["name"] = "Bee"
    changes = replace_groups(Organisation, wanted, {"T1": before}, fields=("name",))
    assert (changes.replaced, changes.created, changes.removed) == (["T1"], 2, 2)
    assert not set(changes.ids.values()) & {row["pk"] for row in before.values()}
    assert {row["acronym"]: row["name"] for row in organisations("T1").values()} == {"T1-a": "A", "T1-b": "Bee"}
