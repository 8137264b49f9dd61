import pytest

pytestmark = pytest.mark.django_db


def test_exercise_list_returns_the_seed_exercises(api_client):
    response = api_client.get("/api/v1/exercises/")
    assert response.status_code == 200
    assert {"tsentr-2011", "russia-belarus-2011", "csto-exercises-2010"} <= {
        row["slug"] for row in response.json()["results"]
    }
