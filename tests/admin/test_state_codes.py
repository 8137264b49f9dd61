"""The codes of the political-science state lists in the admin: a read-only reference table."""

import datetime as dt

import pytest
from django.urls import reverse

from exercises.models import State, StateCode

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("admin", "admin@example.org", "a-long-password"))
    return client


@pytest.mark.parametrize(("query", "count"), [("365", 6), ("SUHH", 2), ("GFR", 2)])
def test_the_codes_are_searched_by_number_letters_or_state(staff_client, query, count):
    response = staff_client.get(reverse("admin:exercises_statecode_changelist"), {"q": query})
    assert response.status_code == 200
    assert response.context["cl"].result_count == count


def test_the_codes_cannot_be_added_changed_or_deleted_there(staff_client):
    assert staff_client.get(reverse("admin:exercises_statecode_add")).status_code == 403
    changelist = staff_client.get(reverse("admin:exercises_statecode_changelist")).content.decode()
    assert 'name="_save"' not in changelist and "action-checkbox" not in changelist


def test_a_state_s_page_lists_its_codes(staff_client):
    soviet = State.objects.get(code="SUHH")
    response = staff_client.get(reverse("admin:exercises_state_change", args=[soviet.pk]))
    [codes] = [inline for inline in response.context["inline_admin_formsets"] if inline.formset.model is StateCode]
    assert [(code.system, code.number, code.valid_from) for code in codes.formset.queryset] == [
        ("cow", 365, dt.date(1922, 12, 30)),
        ("gw", 365, dt.date(1922, 12, 30)),
    ]
