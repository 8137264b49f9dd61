from contextlib import ExitStack, contextmanager

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connections
from django.test.utils import CaptureQueriesContext

#: The fixtures `make run` loads, in order (config/settings.py).
FIXTURES = settings.SEED_FIXTURES

#: The password of the users `make_user` builds, unless told otherwise.
PASSWORD = "a-long-test-password"

#: What an editor may do: add, change and delete exercises, their participations and troop figures.
EDITOR_PERMISSIONS = [
    f"{action}_{model}"
    for action in ("add", "change", "delete")
    for model in ("exercise", "participation", "troopfigure")
]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test database starts with the project's fixtures loaded (each test rolls back)."""
    with django_db_blocker.unblock():
        call_command("loaddata", *FIXTURES, verbosity=0)


@pytest.fixture
def fixtures_loaded(transactional_db):
    """Transactional tests may start from an empty database (each one flushes it): load the fixtures.

    pytest-django runs every transactional test after every rolled-back one, so the flush never reaches
    a test that counts on the session's fixtures. Under pytest-xdist that holds with its default
    ``--dist load`` (each process takes tests in collection order), not with ``worksteal``."""
    call_command("loaddata", *FIXTURES, verbosity=0)


@pytest.fixture
def make_user(django_user_model):
    """Builds a user holding the given permission codenames: ``make_user("editor", "change_exercise")``."""
    from django.contrib.auth.models import Permission

    def make(username, *codenames, password=PASSWORD, **fields):
        user = django_user_model.objects.create_user(username, password=password, **fields)
        if codenames:
            permissions = Permission.objects.filter(codename__in=codenames)
            assert {p.codename for p in permissions} == set(codenames), f"unknown permission among {codenames}"
            user.user_permissions.set(permissions)
        return user

    return make


@pytest.fixture
def editor(make_user):
    return make_user("editor", *EDITOR_PERMISSIONS)


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


class _QueriesOnEveryDatabase:
    """Like CaptureQueriesContext, over all databases: ``captured_queries`` and ``len()``."""

    def __init__(self):
        self.contexts = [CaptureQueriesContext(connection) for connection in connections.all()]

    @property
    def captured_queries(self):
        return [query for context in self.contexts for query in context.captured_queries]

    def __len__(self):
        return len(self.captured_queries)


@contextmanager
def _queries_on_every_database(expected: int, exact: bool):
    """Count queries on all databases (reads may go to a replica), like pytest-django's fixtures do
    on the default one; yields the captured queries."""
    captured = _QueriesOnEveryDatabase()
    with ExitStack() as stack:
        for context in captured.contexts:
            stack.enter_context(context)
        yield captured
    queries = [q["sql"] for q in captured.captured_queries]
    ok = len(queries) == expected if exact else len(queries) <= expected
    assert ok, f"expected {'' if exact else 'at most '}{expected} queries, ran {len(queries)}:\n" + "\n".join(queries)


@pytest.fixture
def django_assert_num_queries():
    return lambda expected: _queries_on_every_database(expected, exact=True)


@pytest.fixture
def django_assert_max_num_queries():
    return lambda expected: _queries_on_every_database(expected, exact=False)
