"""API tokens: issued for a password, stored only as a digest, expiring, revocable by their holder."""

from datetime import timedelta

import pytest
from django.utils import timezone
from knox.models import AuthToken

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

CHANGE = {"notes": "Edited through a token."}


@pytest.fixture
def analyst(make_user):
    return make_user("analyst", "change_exercise")


def issue(api_client, username="analyst", password=PASSWORD):
    return api_client.post("/api/v1/auth/token/", {"username": username, "password": password}, format="json")


def patch_with(api_client, token):
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}", HTTP_IF_MATCH="*")
    return api_client.patch("/api/v1/exercises/tsentr-2011/", CHANGE, format="json")


def test_right_password_issues_a_token_with_its_expiry(api_client, analyst):
    response = issue(api_client)
    assert response.status_code == 200, response.content
    body = response.json()
    assert len(body["token"]) == 64
    expiry = AuthToken.objects.get(user=analyst).expiry
    assert timedelta(days=29) < expiry - timezone.now() <= timedelta(days=30)


def test_wrong_password_is_400_and_issues_no_token(api_client, analyst):
    response = issue(api_client, password="not-the-password")
    assert response.status_code == 400 and "non_field_errors" in response.json()
    assert not AuthToken.objects.exists()


def test_missing_password_is_400_naming_the_field(api_client, analyst):
    response = api_client.post("/api/v1/auth/token/", {"username": "analyst"}, format="json")
    assert response.status_code == 400 and "password" in response.json()


def test_database_holds_only_a_digest_of_the_token(api_client, analyst):
    token = issue(api_client).json()["token"]
    row = AuthToken.objects.values().get(user=analyst)
    assert token not in {str(value) for value in row.values()}
    assert row["digest"] != token and len(row["digest"]) == 128


def test_issued_token_authorises_a_write(api_client, analyst):
    token = issue(api_client).json()["token"]
    response = patch_with(api_client, token)
    assert response.status_code == 200, response.content
    assert response.json()["notes"] == CHANGE["notes"]


def test_expired_token_is_401(api_client, analyst):
    _, token = AuthToken.objects.create(user=analyst, expiry=timedelta(seconds=-1))
    assert patch_with(api_client, token).status_code == 401


def test_unknown_token_is_401(api_client, analyst):
    assert patch_with(api_client, "0" * 64).status_code == 401


@pytest.mark.parametrize("token", ["\u00e9t\u00e9", "abc\x00def"])
def test_token_that_is_not_plain_text_is_401_not_a_server_error(api_client, analyst, token):
    api_client.raise_request_exception = False
    assert patch_with(api_client, token).status_code == 401


def test_logout_revokes_that_token_only(api_client, analyst):
    _, kept = AuthToken.objects.create(user=analyst)
    _, revoked = AuthToken.objects.create(user=analyst)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {revoked}")
    assert api_client.post("/api/v1/auth/logout/").status_code == 204
    assert patch_with(api_client, revoked).status_code == 401
    assert patch_with(api_client, kept).status_code == 200


def test_logout_all_revokes_every_token_of_the_user(api_client, analyst, make_user):
    other = make_user("other")
    AuthToken.objects.create(user=other)
    tokens = [AuthToken.objects.create(user=analyst)[1] for _ in range(3)]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {tokens[0]}")
    assert api_client.post("/api/v1/auth/logout-all/").status_code == 204
    assert not AuthToken.objects.filter(user=analyst).exists()
    assert AuthToken.objects.filter(user=other).count() == 1


def test_logout_without_a_token_is_401(api_client):
    assert api_client.post("/api/v1/auth/logout/").status_code == 401


def test_token_lifetime_follows_the_setting(api_client, analyst, settings):
    settings.REST_KNOX = {**settings.REST_KNOX, "TOKEN_TTL": timedelta(hours=2)}
    issue(api_client)
    remaining = AuthToken.objects.get(user=analyst).expiry - timezone.now()
    assert timedelta(hours=1, minutes=59) < remaining <= timedelta(hours=2)
