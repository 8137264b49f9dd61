"""Nothing lost: bad fixtures change nothing, and a dump loads back into an empty database unchanged."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command, get_commands

from tests.conftest import FIXTURES
from tests.factories import app_rows, empty_the_app_tables, exercise

pytestmark = pytest.mark.django_db

BAD = Path(__file__).parent.parent / "data" / "fixtures"


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("end_before_start.json", "exercise_end_not_before_start"),
        ("unknown_state.json", "Participation record's state names no existing row"),
        ("negative_troops.json", "troop"),
        ("missing_source.json", "Citation record's source names no existing row"),
        ("broken.json", "broken.json"),
    ],
)
def test_bad_fixture_fails_with_one_readable_line_and_changes_nothing(name, reason):
    before = app_rows()
    with pytest.raises(CommandError) as info:
        call_command("loaddata", str(BAD / name), verbosity=0)
    message = str(info.value)
    assert "\n" not in message and name in message and reason.lower() in message.lower()
    assert app_rows() == before


def dump() -> str:
    labels = [
        f"exercises.{m.__name__}"
        for m in apps.get_app_config("exercises").get_models()
        if not m.__name__.startswith("Historical")
    ]
    out = StringIO()
    call_command("dumpdata", *labels, natural_foreign=True, natural_primary=True, indent=1, stdout=out, verbosity=0)
    return out.getvalue()


def test_dump_of_a_populated_database_loads_into_an_empty_one_and_dumps_identically(tmp_path):
    for number in range(5):
        exercise(participants=["RU", ("KZ", "host")], troops=1000 * (number + 1), series="Round Trip")
    first = dump()
    path = tmp_path / "backup.json"
    path.write_text(first)
    empty_the_app_tables()
    call_command("loaddata", str(path), verbosity=0)
    second = dump()
    assert json.loads(second) == json.loads(first)
    assert len(json.loads(first)) > 900


def fixture_objects(settings) -> int:
    """How many records the project's fixture files hold."""
    paths = [Path(d) / f"{label}.json" for label in FIXTURES for d in settings.FIXTURE_DIRS]
    found = [path for path in paths if path.exists()]
    assert [path.stem for path in found] == FIXTURES
    return sum(len(json.loads(path.read_text())) for path in found)


def test_reloading_the_fixtures_through_the_readable_loaddata_changes_no_row_and_reports_success(settings):
    assert get_commands()["loaddata"] == "exercises"  # the project's command, not Django's
    before = app_rows()
    out = StringIO()
    call_command("loaddata", *FIXTURES, verbosity=1, stdout=out)
    assert app_rows() == before
    assert out.getvalue().strip() == f"Installed {fixture_objects(settings)} object(s) from {len(FIXTURES)} fixture(s)"
