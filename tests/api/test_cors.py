"""CORS (django-cors-headers): only the origins CORS_ALLOWED_ORIGINS names, never with credentials."""

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db

APP = "https://app.example.org"
LIST = "/api/v1/exercises/"


def preflight(client, origin=APP, method="PATCH", headers="authorization, if-match, content-type"):
    return client.options(
        LIST, HTTP_ORIGIN=origin, HTTP_ACCESS_CONTROL_REQUEST_METHOD=method, HTTP_ACCESS_CONTROL_REQUEST_HEADERS=headers
    )


def test_no_origin_is_allowed_by_default(api_client):
    assert "Access-Control-Allow-Origin" not in api_client.get(LIST, HTTP_ORIGIN=APP)


@override_settings(CORS_ALLOWED_ORIGINS=[APP])
def test_allowed_origin_may_read(api_client):
    assert api_client.get(LIST, HTTP_ORIGIN=APP)["Access-Control-Allow-Origin"] == APP


@override_settings(CORS_ALLOWED_ORIGINS=[APP])
def test_other_origin_is_not_allowed(api_client):
    assert "Access-Control-Allow-Origin" not in api_client.get(LIST, HTTP_ORIGIN="https://evil.example")


@override_settings(CORS_ALLOWED_ORIGINS=[APP])
def test_preflight_allows_the_method_and_the_precondition_headers(api_client):
    response = preflight(api_client)
    assert response.status_code == 200 and response["Access-Control-Allow-Origin"] == APP
    assert "PATCH" in response["Access-Control-Allow-Methods"]
    assert {"authorization", "if-match", "if-none-match"} <= set(response["Access-Control-Allow-Headers"].split(", "))


@override_settings(CORS_ALLOWED_ORIGINS=[APP])
def test_preflight_from_another_origin_is_not_allowed(api_client):
    assert "Access-Control-Allow-Origin" not in preflight(api_client, origin="https://evil.example")


@override_settings(CORS_ALLOWED_ORIGINS=[APP])
def test_etag_link_and_content_disposition_are_exposed(api_client):
    exposed = api_client.get(LIST, HTTP_ORIGIN=APP)["Access-Control-Expose-Headers"]
    assert {"ETag", "Link", "Content-Disposition"} <= {h.strip() for h in exposed.split(",")}


@override_settings(CORS_ALLOWED_ORIGINS=[APP])
def test_credentials_are_never_allowed(api_client):
    assert "Access-Control-Allow-Credentials" not in preflight(api_client)


@override_settings(CORS_ALLOW_ALL_ORIGINS=True)
def test_wildcard_comes_without_credentials(api_client):
    response = api_client.get(LIST, HTTP_ORIGIN=APP)
    assert response["Access-Control-Allow-Origin"] == "*" and "Access-Control-Allow-Credentials" not in response


def test_settings_never_combine_a_wildcard_with_credentials(settings):
    assert not settings.CORS_ALLOW_CREDENTIALS


@override_settings(CORS_ALLOWED_ORIGINS=[APP])
def test_admin_is_outside_cors(client):
    assert "Access-Control-Allow-Origin" not in client.get("/admin/login/", HTTP_ORIGIN=APP)
