"""Settings come from the environment; production refuses to start without a secret key."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings


def load_settings(**env):
    """Import config.settings in a fresh interpreter with ``env``; return (exit code, output)."""
    code = (
        "import django; from django.conf import settings; django.setup(); "
        "db = settings.DATABASES['default']; print(settings.DEBUG, db['ENGINE'], db['NAME'])"
    )
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY", "DEBUG"}}
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=clean | {"DJANGO_SETTINGS_MODULE": "config.settings"} | env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )
    return result.returncode, result.stdout + result.stderr


def test_production_settings_refuse_to_start_without_secret_key():
    code, output = load_settings(DEBUG="0")
    assert code != 0 and "SECRET_KEY is not set" in output


def test_debug_settings_start_with_the_development_key():
    code, output = load_settings(DEBUG="1")
    assert code == 0 and output.startswith("True django.db.backends.sqlite3")


def test_a_number_setting_that_is_not_a_number_stops_the_start_naming_it():
    code, output = load_settings(DEBUG="1", API_TOKEN_TTL_HOURS="a month")
    assert code != 0 and "API_TOKEN_TTL_HOURS must be a number of at least 0.01, not 'a month'." in output


def test_a_negative_limit_stops_the_start():
    code, output = load_settings(DEBUG="1", AXES_FAILURE_LIMIT="-5")
    assert code != 0 and "AXES_FAILURE_LIMIT must be a whole number of at least 1" in output


@pytest.mark.parametrize("value", ["{bucket_name: x}", '["a list"]'])
def test_storage_options_that_are_not_a_json_object_stop_the_start_naming_them(value):
    code, output = load_settings(DEBUG="1", RELEASES_STORAGE_OPTIONS=value)
    assert code != 0 and "RELEASES_STORAGE_OPTIONS must be a JSON object" in output


def test_default_database_is_a_sqlite_file_in_the_project():
    code, output = load_settings(SECRET_KEY="x")
    assert output.strip().endswith(str(settings.BASE_DIR / "db.sqlite3"))


def test_postgres_url_selects_postgresql_backend():
    code, output = load_settings(SECRET_KEY="x", DATABASE_URL="postgres://u:p@db.example:5432/exercises")
    assert code == 0 and output.split()[1:] == ["django.db.backends.postgresql", "exercises"]


def test_deploy_checks_are_clean_under_production_settings():
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG"}}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=clean | {"DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "0", "SECRET_KEY": "k" * 10 + "-Zq8!x" * 10},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_load_test_hands_the_server_a_url_that_parses_back_to_the_same_database():
    import dj_database_url

    from devtools.loadtest import database_url

    database = {"ENGINE": "django.db.backends.postgresql", "USER": "ana", "PASSWORD": "p@ss/w:rd", "HOST": "db"}
    parsed = dj_database_url.parse(database_url(database | {"PORT": 5432, "NAME": "exercises"}))
    assert (parsed["USER"], parsed["PASSWORD"], parsed["HOST"], parsed["PORT"], parsed["NAME"]) == (
        "ana",
        "p@ss/w:rd",
        "db",
        5432,
        "exercises",
    )


def test_the_makefile_loads_the_seed_fixtures_the_settings_name():
    makefile = (Path(settings.BASE_DIR) / "Makefile").read_text()
    [line] = [line for line in makefile.splitlines() if line.startswith("FIXTURES :=")]
    assert line.split(":=")[1].split() == settings.SEED_FIXTURES
