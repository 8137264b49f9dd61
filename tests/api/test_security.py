"""Limits and errors an attacker or a careless client meets: throttles, lockouts, sizes, error bodies."""

import json

import pytest
from django.core.cache import cache
from django.urls import reverse

from exercises.api import throttling
from exercises.api.views import StatsViewSet

pytestmark = pytest.mark.django_db


@pytest.fixture
def tight_throttle(monkeypatch):
    monkeypatch.setattr(throttling.AnonThrottle, "THROTTLE_RATES", {"anon": "3/min", "user": "off"})
    cache.clear()
    yield
    cache.clear()


def test_anonymous_clients_are_throttled(api_client, tight_throttle):
    codes = [api_client.get("/api/v1/exercises/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_throttled_answer_is_json_saying_when_to_retry(api_client, tight_throttle):
    for _ in range(3):
        api_client.get("/api/v1/states/")
    response = api_client.get("/api/v1/states/")
    assert response.status_code == 429 and "Retry-After" in response
    assert "throttled" in response.json()["detail"].lower()


def test_rate_off_means_no_limit(api_client):
    assert {api_client.get("/api/v1/sources/").status_code for _ in range(20)} == {200}


def test_admin_login_locks_out_after_five_failures(client, django_user_model):
    django_user_model.objects.create_user("alice", password="the-right-password-42", is_staff=True)
    url = reverse("admin:login")
    for _ in range(5):
        client.post(url, {"username": "alice", "password": "wrong"})
    response = client.post(url, {"username": "alice", "password": "the-right-password-42"})
    assert response.status_code in (403, 429)
    assert "_auth_user_id" not in client.session


def test_admin_login_works_before_the_limit(client, django_user_model):
    django_user_model.objects.create_user("bob", password="the-right-password-42", is_staff=True)
    url = reverse("admin:login")
    client.post(url, {"username": "bob", "password": "wrong"})
    response = client.post(url, {"username": "bob", "password": "the-right-password-42"})
    assert response.status_code == 302


def test_token_endpoint_is_locked_out_too(api_client, django_user_model):
    django_user_model.objects.create_user("carol", password="the-right-password-42")
    for _ in range(5):
        api_client.post("/api/v1/auth/token/", {"username": "carol", "password": "wrong"})
    response = api_client.post("/api/v1/auth/token/", {"username": "carol", "password": "the-right-password-42"})
    assert response.status_code == 429
    assert "locked out" in response.json()["detail"]


def test_server_error_in_the_api_is_json_without_traceback(client, monkeypatch):
    def crash(self, request, *args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(StatsViewSet, "list", crash)
    client.raise_request_exception = False
    response = client.get("/api/v1/stats/")
    assert response.status_code == 500 and response["Content-Type"] == "application/json"
    body = response.content.decode()
    assert "Server error" in json.loads(body)["detail"]
    assert "secret internals" not in body and "Traceback" not in body


def test_unknown_api_url_is_json_404(client):
    response = client.get("/api/v1/no-such-endpoint/")
    assert response.status_code == 404 and response.json()["detail"].startswith("Not found")


def test_unknown_page_outside_the_api_is_html_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and "text/html" in response["Content-Type"]


def test_oversized_request_body_is_refused_with_400(api_client, django_user_model):
    user = django_user_model.objects.create_superuser("root", "r@example.org", "a-long-test-password")
    api_client.force_authenticate(user)
    body = json.dumps({"slug": "big", "name": "Big", "description": "x" * (2 * 1024 * 1024)})
    response = api_client.generic("POST", "/api/v1/exercises/", body, content_type="application/json")
    assert response.status_code == 400
