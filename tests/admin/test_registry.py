"""Every model is in the admin; an exercise is edited with its parts on one page."""

import pytest
from django.contrib import admin
from django.urls import reverse

from exercises.models import Exercise, Force

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("admin", "admin@example.org", "a-long-test-password")
    client.force_login(user)
    return client


def test_every_app_model_is_registered():
    from django.apps import apps

    models = [m for m in apps.get_app_config("exercises").get_models() if not m.__name__.startswith("Historical")]
    missing = [m.__name__ for m in models if m not in admin.site._registry]
    assert missing == []


@pytest.mark.parametrize("model", [m for m in admin.site._registry if m._meta.app_label == "exercises"])
def test_changelist_opens(staff_client, model):
    url = reverse(f"admin:exercises_{model._meta.model_name}_changelist")
    assert staff_client.get(url).status_code == 200


def test_exercise_change_form_shows_participations_figures_and_scenarios(staff_client):
    tsentr = Exercise.objects.get(slug="tsentr-2011-kazakhstan")
    response = staff_client.get(reverse("admin:exercises_exercise_change", args=[tsentr.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    for prefix in ["participations", "troop_figures", "scenarios", "forces", "citations"]:
        assert f'name="{prefix}-TOTAL_FORMS"' in body


def test_scenario_inline_offers_only_this_exercises_forces(staff_client):
    tsentr = Exercise.objects.get(slug="tsentr-2011-kazakhstan")
    response = staff_client.get(reverse("admin:exercises_exercise_change", args=[tsentr.pk]))
    [scenarios] = [f for f in response.context["inline_admin_formsets"] if f.formset.prefix == "scenarios"]
    offered = {force.pk for form in scenarios.formset.forms for force in form.fields["forces"].queryset}
    own = set(Force.objects.filter(exercise=tsentr).values_list("pk", flat=True))
    assert len(own) == 10 and offered == own
    assert "Caspian Sea Flotilla" not in response.content.decode().split('name="scenarios-TOTAL_FORMS"')[1]


def test_exercise_changelist_lists_undated_exercises_last_like_the_api(staff_client):
    from tests.factories import exercise

    undated = exercise(name="Aaa undated")
    rows = list(staff_client.get(reverse("admin:exercises_exercise_changelist")).context["cl"].result_list)
    assert rows[-1] == undated
    years = [row.year for row in rows[:-1]]
    assert None not in years and years == sorted(years, reverse=True)
