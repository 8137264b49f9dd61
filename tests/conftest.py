import pytest
from django.core.management import call_command

#: The fixtures `make run` loads, in order: the register of sources first, then what cites it.
FIXTURES = ["sources", "states", "organisations", "locations", "tsentr-2011"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test database starts with the project's fixtures loaded (each test rolls back)."""
    with django_db_blocker.unblock():
        call_command("loaddata", *FIXTURES, verbosity=0)


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()
