"""The devtools app is installed only in development: production settings know none of its commands."""

import os
import subprocess
import sys

from django.conf import settings

DEVELOPMENT_COMMANDS = {"bench", "generate_exercises", "loadtest", "build_states_fixture", "build_state_codes"}


def run_with_settings(tmp_path, *args, debug: str) -> str:
    """``args`` in a fresh interpreter under config.settings, on an empty SQLite file; its output."""
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DATABASE_REPLICA_URLS"}}
    env = clean | {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": debug,
        "SECRET_KEY": "k" * 10 + "-Zq8!x" * 10,
        "ALLOWED_HOSTS": "exercises.example",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, *args], env=env, cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def listed_commands(tmp_path, debug: str) -> set[str]:
    """The commands ``manage.py help`` lists (indented under their app's name)."""
    output = run_with_settings(tmp_path, "manage.py", "help", debug=debug)
    return {line.strip() for line in output.splitlines() if line.startswith("    ")}


def test_production_lists_none_of_the_development_commands(tmp_path):
    commands = listed_commands(tmp_path, debug="0")
    assert "import_mme" in commands
    assert not commands & DEVELOPMENT_COMMANDS


def test_development_lists_the_development_commands(tmp_path):
    assert listed_commands(tmp_path, debug="1") >= DEVELOPMENT_COMMANDS | {"import_mme"}


def test_loading_the_app_and_its_commands_imports_no_development_only_package(tmp_path):
    code = (
        "import sys, django; django.setup(); from django.core.management import load_command_class; "
        f"[load_command_class('devtools', name) for name in {sorted(DEVELOPMENT_COMMANDS)}]; "
        "print(sorted({'pycountry', 'datasette'} & set(sys.modules)))"
    )
    assert run_with_settings(tmp_path, "-c", code, debug="1").strip() == "[]"
