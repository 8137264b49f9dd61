"""The exercise workbench in the admin: conflicts, filters, search, citations, history, import/export, roles."""

import io

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from exercises.models import Citation, Exercise, Participation, Source, State
from exercises.roles import ANALYST, VIEWER
from tests.admin.forms import add_inline_row, admin_post_data
from tests.factories import exercise

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:exercises_exercise_changelist")


def account(django_user_model, name, role):
    user = django_user_model.objects.create_user(name, password="a-long-test-password", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def analyst(django_user_model):
    return account(django_user_model, "alice", ANALYST)


@pytest.fixture
def analyst_client(client, analyst):
    client.force_login(analyst)
    return client


def change_url(exercise):
    return reverse("admin:exercises_exercise_change", args=[exercise.pk])


def open_form(client, exercise):
    response = client.get(change_url(exercise))
    assert response.status_code == 200
    return admin_post_data(response)


# -- No silent overwrite -----------------------------------------------------------------------------
def test_second_of_two_concurrent_saves_is_refused_and_the_first_is_kept(client, django_user_model):
    tsentr = Exercise.objects.get(slug="tsentr-2011")
    alice, bob = account(django_user_model, "alice", ANALYST), account(django_user_model, "bob", ANALYST)
    client.force_login(alice)
    alices_form = open_form(client, tsentr)
    client.force_login(bob)
    bobs_form = open_form(client, tsentr)

    client.force_login(alice)
    response = client.post(change_url(tsentr), alices_form | {"series": "Tsentr"})
    assert response.status_code == 302

    client.force_login(bob)
    response = client.post(change_url(tsentr), bobs_form | {"description": "Bob's rewrite"})
    assert response.status_code == 200
    message = response.context["adminform"].form.non_field_errors()[0]
    assert "changed by alice" in message and "Series" in message and "'Tsentr'" in message
    tsentr.refresh_from_db()
    assert tsentr.series == "Tsentr" and tsentr.description != "Bob's rewrite"


def test_date_in_a_year_out_of_range_is_a_form_error_not_a_crash(analyst_client):
    tsentr = Exercise.objects.get(slug="tsentr-2011")
    data = open_form(analyst_client, tsentr) | {"start_date": "1850-06-01", "start_precision": "month"}
    response = analyst_client.post(change_url(tsentr), data)
    assert response.status_code == 200
    assert "1900" in str(response.context["adminform"].form.errors["start_date"])


def test_save_based_on_current_version_succeeds(analyst_client):
    tsentr = Exercise.objects.get(slug="tsentr-2011")
    data = open_form(analyst_client, tsentr)
    assert analyst_client.post(change_url(tsentr), data | {"series": "Tsentr"}).status_code == 302
    tsentr.refresh_from_db()
    assert tsentr.series == "Tsentr"


def test_edit_of_a_part_elsewhere_makes_an_open_form_stale(analyst_client):
    tsentr = Exercise.objects.get(slug="tsentr-2011")
    data = open_form(analyst_client, tsentr)
    Participation.objects.create(exercise=tsentr, state=State.objects.lookup("AM"), role="observer")
    response = analyst_client.post(change_url(tsentr), data | {"series": "Tsentr"})
    assert "participations, figures" in response.context["adminform"].form.non_field_errors()[0]


# -- Validation messages ----------------------------------------------------------------------------
def test_end_before_start_is_explained(analyst_client):
    created = exercise()
    data = open_form(analyst_client, created) | {
        "start_date": "2011-09-20",
        "start_precision": "day",
        "end_date": "2011-09-01",
        "end_precision": "day",
    }
    response = analyst_client.post(change_url(created), data)
    assert "cannot end before it starts" in response.content.decode()


def test_negative_troops_and_low_above_high_are_explained(analyst_client):
    created = exercise()
    data = add_inline_row(
        open_form(analyst_client, created), "troop_figures", low="5000", high="100", qualifier="exact"
    )
    data = add_inline_row(data, "troop_figures", low="-3", high="-3", qualifier="exact", basis="reported")
    body = analyst_client.post(change_url(created), data).content.decode()
    assert "cannot be below the low end" in body and "greater than or equal to 0" in body


def test_participation_added_twice_is_explained(analyst_client):
    created = exercise()
    russia = State.objects.lookup("RU").pk
    data = add_inline_row(open_form(analyst_client, created), "participations", state=russia)
    data = add_inline_row(data, "participations", state=russia)
    body = analyst_client.post(change_url(created), data).content.decode()
    assert "duplicate" in body.lower()
    assert not created.participations.exists()


# -- Citations where they belong ---------------------------------------------------------------------
def test_participation_is_saved_with_its_citation(analyst_client):
    created = exercise()
    source = Source.objects.get(key="kucera-2011-csto-vision")
    data = add_inline_row(
        open_form(analyst_client, created),
        "participations",
        state=State.objects.lookup("KZ").pk,
        role="host",
        cite_source=source.pk,
        cite_excerpt="In Kazakhstan, an air defense exercise was held",
    )
    assert analyst_client.post(change_url(created), data).status_code == 302
    citation = Citation.objects.get(participation__exercise=created)
    assert (citation.source, citation.participation.role) == (source, "host")


def test_excerpt_without_source_is_refused(analyst_client):
    created = exercise()
    data = add_inline_row(
        open_form(analyst_client, created), "participations", state=State.objects.lookup("KZ").pk, cite_excerpt="x"
    )
    assert "Say which source" in analyst_client.post(change_url(created), data).content.decode()


# -- Change list -------------------------------------------------------------------------------------
def listed(client, **params):
    response = client.get(CHANGELIST, params)
    assert response.status_code == 200
    return {e.slug for e in response.context["cl"].result_list}


def test_changelist_shows_participants_and_source_counts(analyst_client):
    response = analyst_client.get(CHANGELIST, {"q": "Tsentr-2011"})
    rows = {e.slug: e for e in response.context["cl"].result_list}
    assert rows["tsentr-2011"].participant_codes == ["KAZ", "KGZ", "RUS", "TJK"]
    assert rows["tsentr-2011"].source_count == 1
    assert "KAZ KGZ RUS TJK" in response.content.decode()


def test_changelist_filters_by_typed_country_and_role(analyst_client):
    assert listed(analyst_client, country="kazakhstan", role="host") == {"tsentr-2011-kazakhstan"}


def test_changelist_filters_by_threat(analyst_client):
    assert listed(analyst_client, threat="air_attack") == {"tsentr-2011-kazakhstan"}


def test_changelist_filters_exercises_without_source(analyst_client):
    uncited = exercise()
    assert listed(analyst_client, sourced="no") == {uncited.slug}


def test_changelist_filters_unknown_troops(analyst_client):
    assert listed(analyst_client, troops="unknown") == {"tsentr-2011-kazakhstan", "tsentr-2011-kyrgyzstan"}


def test_changelist_filters_by_series_domain_and_focus(analyst_client):
    gold = exercise(series="Cobra Gold", sea=True, humanitarian=True)
    assert listed(analyst_client, series="cobra gold") == {gold.slug}
    assert gold.slug in listed(analyst_client, domain="sea")
    assert listed(analyst_client, focus="humanitarian") == {gold.slug}


def test_changelist_search_covers_places_and_scenarios(analyst_client):
    assert listed(analyst_client, q="Karaganda") == {"tsentr-2011", "tsentr-2011-kazakhstan"}
    assert listed(analyst_client, q="speed boat") == {"tsentr-2011-kazakhstan"}
    assert "tsentr-2011" in listed(analyst_client, q="Центр")


def test_changelist_queries_do_not_grow_with_rows(analyst_client, django_assert_max_num_queries):
    for _ in range(60):
        exercise(participants=["RU", "BY"])
    with django_assert_max_num_queries(14):
        analyst_client.get(CHANGELIST)


def test_change_page_costs_two_queries_per_cited_row_its_autocomplete_labels(analyst_client):
    tsentr = Exercise.objects.get(slug="tsentr-2011")

    def queries():
        analyst_client.get(change_url(tsentr))
        with CaptureQueriesContext(connection) as captured:
            assert analyst_client.get(change_url(tsentr)).status_code == 200
        return len(captured)

    before = queries()
    source = Source.objects.order_by("key").first()
    for state in State.objects.exclude(pk__in=tsentr.participations.values("state")).order_by("code")[:5]:
        Citation.objects.create(participation=Participation.objects.create(exercise=tsentr, state=state), source=source)
    assert queries() - before <= 2 * 5  # the state's and the source's labels; citations come prefetched


# -- History -----------------------------------------------------------------------------------------
def test_history_records_who_changed_what_with_previous_values(analyst_client, analyst):
    tsentr = Exercise.objects.get(slug="tsentr-2011")
    before = tsentr.description
    analyst_client.post(change_url(tsentr), open_form(analyst_client, tsentr) | {"description": "Revised"})
    latest, previous = tsentr.history.order_by("-history_date")[:2]
    assert (latest.history_user, latest.description) == (analyst, "Revised")
    assert latest.diff_against(previous).changed_fields == [] or previous.description == before
    page = analyst_client.get(reverse("admin:exercises_exercise_history", args=[tsentr.pk]))
    assert page.status_code == 200 and "alice" in page.content.decode()


# -- Import and export -------------------------------------------------------------------------------
def import_csv(client, text, confirm=False):
    url = reverse("admin:exercises_exercise_import")
    upload = io.BytesIO(text.encode())
    upload.name = "exercises.csv"
    return client.post(url, {"import_file": upload, "format": "0", "resource": "0"})


HEADER = "slug,name,name_is_descriptive,start,end,year,organisation,series,participants,purpose,description,notes\n"


def test_import_preview_shows_changes_and_writes_nothing(analyst_client):
    response = import_csv(analyst_client, HEADER + "zapad-2013,Zapad-2013,0,2013-09-20,2013-09-26,,,Zapad,RU;BY,,,\n")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Zapad-2013" in body and "New" in body
    assert not Exercise.objects.filter(slug="zapad-2013").exists()


def test_import_rejects_bad_rows_with_a_reason_each(analyst_client):
    rows = [
        "bad-state,Bad state,0,2013,,,,,RU;Atlantis,,,",
        "bad-date,Bad date,0,2013-02-30,,,,,RU,,,",
        "reversed,Reversed,0,2013-09-26,2013-09-20,,,,RU,,,",
        "bad-org,Bad org,0,2013,,,XYZ,,RU,,,",
    ]
    body = import_csv(analyst_client, HEADER + "\n".join(rows) + "\n").content.decode()
    assert "Atlantis" in body and "Not a date" in body and "cannot end before it starts" in body
    assert "XYZ" in body or "does not exist" in body
    assert 'name="import_file_name"' not in body or "confirm" not in body.lower()
    assert not Exercise.objects.filter(slug__in=["bad-state", "bad-date", "reversed", "bad-org"]).exists()


def test_import_confirm_creates_exercise_with_participants(analyst_client):
    preview = import_csv(analyst_client, HEADER + "zapad-2013,Zapad-2013,0,2013-09,,,,Zapad,RU;Belarus,,,\n")
    form = preview.context["confirm_form"]
    response = analyst_client.post(reverse("admin:exercises_exercise_process_import"), form.initial)
    assert response.status_code == 302
    zapad = Exercise.objects.get(slug="zapad-2013")
    assert (zapad.start, zapad.year) == ("2013-09", 2013)
    assert set(zapad.participations.values_list("state__alpha2", flat=True)) == {"RU", "BY"}


def test_export_of_the_filtered_changelist_as_csv(analyst_client):
    url = reverse("admin:exercises_exercise_export") + "?country=UZ"
    response = analyst_client.post(
        url,
        {
            "format": "0",
            "resource": "0",
            "export_items": [],
            **{f"exerciseresource_{f}": "on" for f in ["slug", "name", "participants", "reported_troops"]},
        },
    )
    body = response.content.decode()
    assert response.status_code == 200, body[:500]
    assert "csto-exercises-2010" in body and "tsentr-2011," not in body
    assert "ARM;BLR;KAZ;KGZ;RUS;TJK;UZB" in body


# -- Roles -------------------------------------------------------------------------------------------
def test_analyst_group_can_add_change_view_but_not_manage_users():
    codes = set(Group.objects.get(name=ANALYST).permissions.values_list("codename", flat=True))
    assert {"add_exercise", "change_exercise", "view_exercise", "delete_participation"} <= codes
    assert "delete_exercise" not in codes and not any(c.endswith("_user") or c.endswith("_group") for c in codes)


def test_viewer_group_only_views():
    codes = set(Group.objects.get(name=VIEWER).permissions.values_list("codename", flat=True))
    assert codes and all(c.startswith("view_") for c in codes)


def test_viewer_cannot_open_the_user_admin(client, django_user_model):
    client.force_login(account(django_user_model, "vera", VIEWER))
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert client.get(CHANGELIST).status_code == 200


def test_analyst_cannot_open_the_user_admin(analyst_client):
    assert analyst_client.get(reverse("admin:auth_user_changelist")).status_code == 403


def test_create_account_command_makes_a_staff_analyst(monkeypatch, django_user_model):
    from django.core.management import call_command

    monkeypatch.setenv("NEW_PASSWORD", "correct-horse-battery-staple-42")
    call_command("create_account", "carol", "--role", "analyst", "--password-env", "NEW_PASSWORD")
    carol = django_user_model.objects.get(username="carol")
    assert carol.is_staff and not carol.is_superuser and carol.groups.filter(name=ANALYST).exists()


# -- Imported exercises ------------------------------------------------------------------------------
def test_an_analysts_edit_of_an_imported_field_is_kept_from_later_imports(analyst_client):
    imported = exercise(curated_from=Source.objects.get(key="mme-v7"))
    data = open_form(analyst_client, imported)
    assert analyst_client.post(change_url(imported), data | {"series": "Corrected"}).status_code == 302
    imported.refresh_from_db()
    assert (imported.series, imported.curated_from) == ("Corrected", None)
