"""ETags, conditional requests and cache directives, as RFC 9110 and RFC 9111 put them."""

import pytest
from django.test import override_settings

from exercises.models import Exercise, Location

pytestmark = pytest.mark.django_db

DETAIL = "/api/v1/exercises/tsentr-2011/"
LIST = "/api/v1/exercises/"


@pytest.fixture
def editor_client(api_client, editor):
    api_client.force_authenticate(editor)
    return api_client


def test_if_none_match_with_the_current_etag_is_304_without_a_body(api_client):
    tag = api_client.get(DETAIL)["ETag"]
    response = api_client.get(DETAIL, HTTP_IF_NONE_MATCH=tag)
    assert response.status_code == 304 and response.content == b"" and response["ETag"] == tag


def test_head_with_if_none_match_is_304(api_client):
    tag = api_client.get(DETAIL)["ETag"]
    assert api_client.head(DETAIL, HTTP_IF_NONE_MATCH=tag).status_code == 304


def test_if_none_match_with_another_etag_gives_the_body(api_client):
    response = api_client.get(DETAIL, HTTP_IF_NONE_MATCH='"1-0000"')
    assert response.status_code == 200 and response.json()["slug"] == "tsentr-2011"


def test_304_keeps_cache_control_and_vary(api_client):
    tag = api_client.get(DETAIL)["ETag"]
    response = api_client.get(DETAIL, HTTP_IF_NONE_MATCH=tag)
    assert response["Cache-Control"] == "public, max-age=60" and "Accept" in response["Vary"]


def test_list_page_has_an_etag_and_answers_304(api_client):
    tag = api_client.get(LIST)["ETag"]
    assert api_client.get(LIST, HTTP_IF_NONE_MATCH=tag).status_code == 304


def test_list_etag_changes_with_the_page_asked_for(api_client):
    assert api_client.get(LIST, {"page_size": 1})["ETag"] != api_client.get(LIST, {"page_size": 2})["ETag"]


@pytest.mark.parametrize("other", ["csv", "api"])
def test_etag_differs_per_representation(api_client, other):
    assert api_client.get(DETAIL, {"format": "json"})["ETag"] != api_client.get(DETAIL, {"format": other})["ETag"]


def test_renaming_a_place_the_detail_shows_changes_its_etag(api_client):
    before = api_client.get(DETAIL)["ETag"]
    place = Exercise.objects.get(slug="tsentr-2011").locations.first()
    Location.objects.filter(pk=place.pk).update(name="Renamed place")
    assert api_client.get(DETAIL)["ETag"] != before


def test_a_write_answers_with_the_etag_a_read_then_gets(editor_client):
    tag = editor_client.get(DETAIL)["ETag"]
    written = editor_client.patch(DETAIL, {"series": "Tsentr"}, format="json", HTTP_IF_MATCH=tag)
    assert written.status_code == 200 and written["ETag"] == editor_client.get(DETAIL)["ETag"] != tag


def test_if_match_with_a_stale_etag_after_a_place_rename_is_412(editor_client):
    tag = editor_client.get(DETAIL)["ETag"]
    place = Exercise.objects.get(slug="tsentr-2011").locations.first()
    Location.objects.filter(pk=place.pk).update(name="Renamed place")
    assert editor_client.patch(DETAIL, {"series": "X"}, format="json", HTTP_IF_MATCH=tag).status_code == 412


def test_if_match_accepts_the_etag_of_the_gzip_coded_answer(editor_client):
    tag = editor_client.get(DETAIL, HTTP_ACCEPT_ENCODING="gzip")["ETag"]
    assert tag.endswith('-gzip"')
    response = editor_client.patch(DETAIL, {"series": "Tsentr"}, format="json", HTTP_IF_MATCH=tag)
    assert response.status_code == 200


def test_weak_if_match_on_a_read_is_412(api_client):
    tag = api_client.get(DETAIL)["ETag"]
    assert api_client.get(DETAIL, HTTP_IF_MATCH=f"W/{tag}").status_code == 412


def test_if_match_star_on_a_read_gives_the_body(api_client):
    assert api_client.get(DETAIL, HTTP_IF_MATCH="*").status_code == 200


def test_anonymous_read_is_publicly_cacheable(api_client):
    assert api_client.get(LIST)["Cache-Control"] == "public, max-age=60"


@override_settings(API_CACHE_SECONDS=5)
def test_cache_lifetime_comes_from_the_settings(api_client):
    assert api_client.get(LIST)["Cache-Control"] == "public, max-age=5"


def test_authenticated_read_is_private_and_revalidated(editor_client):
    assert set(editor_client.get(LIST)["Cache-Control"].split(", ")) == {"private", "no-cache"}


def test_reads_vary_on_authorization_and_accept(api_client):
    vary = {v.strip() for v in api_client.get(LIST)["Vary"].split(",")}
    assert {"Accept", "Authorization"} <= vary


def test_write_answer_is_not_stored(editor_client):
    tag = editor_client.get(DETAIL)["ETag"]
    response = editor_client.patch(DETAIL, {"series": "Tsentr"}, format="json", HTTP_IF_MATCH=tag)
    assert response["Cache-Control"] == "no-store"


def test_error_answer_is_not_stored(api_client):
    assert api_client.get(LIST, {"contry": "KZ"})["Cache-Control"] == "no-store"
