"""The token endpoint hands out a token and nothing else: no session, no cookie, nothing cached."""

import pytest
from django.contrib.sessions.models import Session

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

URL = "/api/v1/auth/token/"


@pytest.fixture
def analyst(make_user):
    return make_user("analyst", "change_exercise")


def issue(client, password=PASSWORD):
    return client.post(URL, {"username": "analyst", "password": password}, format="json")


def test_token_answer_sets_no_cookie(api_client, analyst):
    response = issue(api_client)
    assert response.status_code == 200 and not response.cookies


def test_token_answer_creates_no_session(api_client, analyst):
    issue(api_client)
    assert not Session.objects.exists()


def test_failed_login_creates_no_session(api_client, analyst):
    assert issue(api_client, password="wrong").status_code == 400
    assert not Session.objects.exists()


def test_token_answer_is_not_stored(api_client, analyst):
    assert issue(api_client)["Cache-Control"] == "no-store"


def test_token_answer_is_never_gzipped(api_client, analyst):
    assert "Content-Encoding" not in api_client.post(
        URL, {"username": "analyst", "password": PASSWORD}, format="json", HTTP_ACCEPT_ENCODING="gzip"
    )


def test_existing_admin_session_survives_a_token_request(client, analyst):
    client.force_login(analyst)
    key = client.session.session_key
    client.post(URL, {"username": "analyst", "password": PASSWORD}, content_type="application/json")
    assert Session.objects.filter(session_key=key).exists()
