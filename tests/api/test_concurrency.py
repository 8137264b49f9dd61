"""Concurrent writes: one winner per version, conflicts as 400/412, every accepted change in history.

Runs on both databases; real threads, each with its own database connection.
"""

import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from exercises.models import Exercise, Participation

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 6


@pytest.fixture
def editor(fixtures_loaded, make_user):
    """Narrower than conftest's editor: just what these races need."""
    return make_user("editor", "change_exercise", "add_participation", "view_exercise")


def race(count, work):
    """Run ``work(i)`` in ``count`` threads released together; return their results in order."""
    barrier, results = threading.Barrier(count), [None] * count

    def run(i):
        try:
            barrier.wait()
            results[i] = work(i)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_concurrent_patches_with_the_same_etag_have_exactly_one_winner_per_version(editor):
    url = "/api/v1/exercises/tsentr-2011/"
    history_before = Exercise.history.filter(slug="tsentr-2011").count()
    winners = []
    for round_ in range(3):
        tag = client_for(editor).get(url)["ETag"]

        def patch(i, tag=tag, round_=round_):
            response = client_for(editor).patch(
                url, {"series": f"round {round_} writer {i}"}, format="json", HTTP_IF_MATCH=tag
            )
            return response.status_code, response.data.get("series") if response.status_code == 200 else None

        results = race(THREADS, patch)
        codes = sorted(code for code, _ in results)
        assert codes == [200] + [412] * (THREADS - 1), results
        winners.append(next(series for code, series in results if code == 200))
        assert Exercise.objects.get(slug="tsentr-2011").series == winners[-1]
    assert Exercise.history.filter(slug="tsentr-2011").count() == history_before + 3
    recorded = set(Exercise.history.filter(slug="tsentr-2011").values_list("series", flat=True))
    assert set(winners) <= recorded


def test_concurrent_creates_of_the_same_participation_give_one_201_and_400s(editor):
    def create(i):
        response = client_for(editor).post(
            "/api/v1/participations/", {"exercise": "tsentr-2011", "state": "Armenia"}, format="json"
        )
        return response.status_code, response.data

    results = race(THREADS, create)
    codes = sorted(code for code, _ in results)
    assert codes == [201] + [400] * (THREADS - 1), results
    assert all("state" in data for code, data in results if code == 400)
    assert Participation.objects.filter(exercise__slug="tsentr-2011", state__alpha2="AM").count() == 1
