"""Every model fixtures name by natural key finds its rows by that key again (what loaddata relies on)."""

import pytest
from django.apps import apps

from exercises.models import (
    Exercise,
    ExternalIdentifier,
    Organisation,
    OrganisationParticipation,
    Source,
    TroopFigure,
)

pytestmark = pytest.mark.django_db

NATURAL_KEY_MODELS = sorted(
    (model for model in apps.get_app_config("exercises").get_models() if hasattr(model, "natural_key")),
    key=lambda model: model.__name__,
)

#: The models the fixtures hold no row of, each with a row built from rows they do hold.
BUILT = {
    ExternalIdentifier: lambda: ExternalIdentifier.objects.create(
        exercise=Exercise.objects.get(slug="tsentr-2011"), source=Source.objects.get(key="mme-v7"), identifier="mme1"
    ),
    OrganisationParticipation: lambda: OrganisationParticipation.objects.create(
        exercise=Exercise.objects.get(slug="tsentr-2011"), organisation=Organisation.objects.get(acronym="CSTO")
    ),
}


def sample_rows(model):
    """The first and last rows the fixtures load, or the one row built where they load none."""
    if model in BUILT:
        assert not model.objects.exists(), f"the fixtures now hold {model.__name__} rows: drop its builder"
        return [BUILT[model]()]
    rows = model.objects.order_by("pk")
    assert rows.exists(), f"no {model.__name__} row to look up: load one in the fixtures or add a builder"
    return [rows.first(), rows.last()]


@pytest.mark.parametrize("model", NATURAL_KEY_MODELS, ids=lambda model: model.__name__)
def test_get_by_natural_key_finds_the_row_its_natural_key_names(model):
    for row in sample_rows(model):
        assert model._default_manager.get_by_natural_key(*row.natural_key()) == row


def test_a_related_manager_finds_rows_by_natural_key_too():
    tsentr = Exercise.objects.get(slug="tsentr-2011")
    figure = tsentr.troop_figures.first()
    assert tsentr.troop_figures.get_by_natural_key(*figure.natural_key()) == figure


def test_a_natural_key_with_the_wrong_number_of_parts_is_refused_naming_the_parts():
    with pytest.raises(TypeError, match=r"2 parts \(exercise__slug, key\)"):
        TroopFigure.objects.get_by_natural_key("tsentr-2011")
