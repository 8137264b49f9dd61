from contextlib import ExitStack, contextmanager

import pytest
from django.core.management import call_command
from django.db import connections
from django.test.utils import CaptureQueriesContext

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


@contextmanager
def _queries_on_every_database(expected: int, exact: bool):
    """Count queries on all databases (reads may go to a replica), like pytest-django's fixtures do
    on the default one."""
    contexts = [CaptureQueriesContext(connection) for connection in connections.all()]
    with ExitStack() as stack:
        for context in contexts:
            stack.enter_context(context)
        yield contexts
    queries = [q["sql"] for context in contexts for q in context.captured_queries]
    ok = len(queries) == expected if exact else len(queries) <= expected
    assert ok, f"expected {'' if exact else 'at most '}{expected} queries, ran {len(queries)}:\n" + "\n".join(queries)


@pytest.fixture
def django_assert_num_queries():
    return lambda expected: _queries_on_every_database(expected, exact=True)


@pytest.fixture
def django_assert_max_num_queries():
    return lambda expected: _queries_on_every_database(expected, exact=False)
