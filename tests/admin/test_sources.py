"""The admin shows an exercise's sources: who attests each participant, what each source says (disputed
fields marked), the source its fields follow; the change list counts sources and marks disputes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from exercises.models import Exercise
from tests.admin.forms import admin_post_data
from tests.factories import exercise
from tests.witnesses import JME, MME, agreed, source, witnessed

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:exercises_exercise_changelist")


@pytest.fixture
def staff_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("admin", "a@example.org", "a-long-test-password"))
    return client


@pytest.fixture
def both():
    return witnessed()


def change_page(client, created):
    response = client.get(reverse("admin:exercises_exercise_change", args=[created.pk]))
    assert response.status_code == 200
    return response


def listed(client, **params) -> set[str]:
    response = client.get(CHANGELIST, params)
    assert response.status_code == 200
    return {e.slug for e in response.context["cl"].result_list}


# -- The exercise page ----------------------------------------------------------------------------------
def test_participation_inline_shows_which_sources_attest_each_row(staff_client, both):
    response = change_page(staff_client, both)
    [inline] = [i for i in response.context["inline_admin_formsets"] if i.formset.prefix == "participations"]
    attested = {
        form.form.instance.state.alpha2: field.contents()
        for form in inline
        if form.form.instance.pk  # not the template row for "add another"
        for fieldset in form
        for line in fieldset
        for field in line
        if field.is_readonly and field.field["name"] == "attested_by"
    }
    assert attested == {"BY": MME, "KZ": f"{JME} {MME}", "RU": f"{JME} {MME}"}


def test_change_page_says_what_each_source_says_with_disputed_fields_marked(staff_client, both):
    body = change_page(staff_client, both).content.decode()
    table = body[body.index('<table class="according-to">') : body.index("</table>", body.index("according-to"))]
    assert "Union Shield-91" in table and "1991-05 – 1991-05-20" in table and "BLR, KAZ, RUS" in table
    assert "jme77 (row of jme77)" in table and "20,000" in table
    assert table.count("dates ⚠ disputed") == 2 and "name ⚠" not in table  # a name is never disputed


def test_change_page_of_agreeing_sources_marks_nothing(staff_client):
    body = change_page(staff_client, agreed()).content.decode()
    assert '<table class="according-to">' in body and "⚠ disputed" not in body


def test_curated_from_is_edited_on_the_change_page(staff_client, both):
    response = change_page(staff_client, both)
    data = admin_post_data(response) | {"curated_from": str(source(JME).pk)}
    saved = staff_client.post(reverse("admin:exercises_exercise_change", args=[both.pk]), data)
    assert saved.status_code == 302, saved.context["adminform"].form.errors if saved.context else saved
    assert Exercise.objects.get(pk=both.pk).curated_from.key == JME
    assert "Empty: the fields are an analyst" in change_page(staff_client, both).content.decode()


# -- The change list ------------------------------------------------------------------------------------
def test_changelist_shows_the_stored_source_count_and_the_disputes(staff_client, both):
    Exercise.objects.filter(pk=both.pk).update(source_count=5)
    body = staff_client.get(CHANGELIST, {"q": "Exercise"}).content.decode()
    row = body[body.index(f">{both.name}<") :].split("</tr>")[0]
    assert '<td class="field-sources">5</td>' in row
    assert "⚠ participants, dates, places, troops" in row


def test_changelist_filters_by_disputed(staff_client, both):
    calm = agreed()
    assert listed(staff_client, disputed="true") == {both.slug}
    assert calm.slug in listed(staff_client, disputed="false") and both.slug not in listed(
        staff_client, disputed="false"
    )
    assert listed(staff_client, disputed="troops") == {both.slug}


def test_changelist_filters_by_source(staff_client, both):
    calm, lone = agreed(), exercise()
    assert listed(staff_client, source=JME) == {both.slug, calm.slug}
    assert listed(staff_client, source_all=f"{MME},{JME}", sources_min="2") == {both.slug, calm.slug}
    assert lone.slug not in listed(staff_client, sources_min="1")


def test_changelist_shows_the_apis_message_for_an_unknown_source(staff_client):
    response = staff_client.get(CHANGELIST, {"source": "no-such-source"}, follow=True)
    assert "Unknown source" in response.content.decode() and not response.context["cl"].result_list


def test_changelist_offers_the_disputed_choices(staff_client):
    body = staff_client.get(CHANGELIST).content.decode()
    assert "?disputed=participants" in body and "sources disagree" in body


def test_has_no_source_reads_the_stored_count(staff_client, both):
    lone = exercise()
    assert listed(staff_client, sourced="no") == {lone.slug}
    Exercise.objects.filter(pk=both.pk).update(source_count=0)
    assert listed(staff_client, sourced="no") == {lone.slug, both.slug}


def test_changelist_queries_do_not_grow_with_rows_or_sources(staff_client):
    def queries():
        staff_client.get(CHANGELIST)
        with CaptureQueriesContext(connection) as captured:
            assert staff_client.get(CHANGELIST).status_code == 200
        return len(captured)

    witnessed()
    before = queries()
    for number in range(5):
        witnessed(identifiers=(f"mme-{number}", f"jme-{number}"))
        agreed()
    assert queries() == before
