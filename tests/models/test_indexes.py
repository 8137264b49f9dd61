"""The indexes the lists' queries count on exist after migrating, on either database: a raw index is
lost when SQLite rebuilds its table for a later migration (migration 0009)."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def indexes_of(table: str) -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.get_constraints(cursor, table))


def test_the_default_order_index_survives_every_migration():
    assert "exercise_default_order_idx" in indexes_of("exercises_exercise")


@pytest.mark.parametrize(
    "table",
    [
        "exercises_exercise",
        "exercises_participation",
        "exercises_troopfigure",
        "exercises_scenario",
        "exercises_location",
        "exercises_state",
        "exercises_organisation",
        "exercises_source",
    ],
)
def test_updated_since_reads_an_index_on_every_listed_table(table):
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    assert any(c["index"] and c["columns"][:1] == ["updated_at"] for c in constraints.values())
