"""A bounded load test on loopback, in a database of its own: gunicorn serves, wrk reads, an analyst
writes, nothing is lost.

``manage.py loadtest`` calls :func:`run` (``tests/devtools/test_loadtest.py`` tests its pieces). It makes a
throwaway database beside the configured one (:func:`throwaway_database`: a fresh SQLite file in a temporary
folder, or a new database ``loadtest_<pid>_<hex>`` on the same PostgreSQL server), migrates it, loads
the fixtures and creates there the analyst who writes (``change_exercise``) and their API token; the
configured database is never written to. Each step in that database runs in a process of its own,
configured by its ``DATABASE_URL`` like the server. The database is removed at the end, whatever
happened.

wrk (Debian package ``wrk``) sends a mix of read requests for a fixed time over 16 connections while
one writer thread PATCHes an exercise with If-Match, as an analyst would; afterwards every accepted
write must be visible (the final value and the history), and wrk must report no errors.
"""

import json
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import dj_database_url
from django.conf import settings

#: The analyst whose edits the load test makes; exists only in the throwaway database.
WRITER = "load-test-writer"
#: Set, in the processes that work in the throwaway database, to that database's name: the writer and
#: its token are created only where it matches.
THROWAWAY = "LOADTEST_THROWAWAY_DATABASE"

READS = [
    "/api/v1/exercises/?country=KZ&year=2011",
    "/api/v1/exercises/?country_all=RU,BY",
    "/api/v1/exercises/?search=Tsentr",
    "/api/v1/exercises/?troops_min=1000&ordering=-troops",
    "/api/v1/exercises/tsentr-2011/",
    "/api/v1/stats/?by=year",
    "/api/v1/states/KZ/",
    "/api/v1/locations/?format=geojson",
]

LUA = """
local paths = {%s}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1])
end
"""


@dataclass
class Report:
    seconds: int
    requests_per_second: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    requests: int = 0
    read_errors: int = 0
    writes_accepted: int = 0
    writes_refused: int = 0
    write_errors: list = field(default_factory=list)
    lost_writes: list = field(default_factory=list)
    wrk_output: str = ""

    def lines(self) -> list[str]:
        return [
            f"reads: {self.requests} in {self.seconds} s = {self.requests_per_second:,.0f} requests/s, "
            f"p50 {self.p50_ms:.1f} ms, p99 {self.p99_ms:.1f} ms, errors {self.read_errors}",
            f"writes: {self.writes_accepted} accepted, {self.writes_refused} refused as stale, "
            f"{len(self.write_errors)} errors, {len(self.lost_writes)} lost",
        ]


def database_url(database: dict) -> str:
    """The URL of a configured database (``settings.DATABASES`` entry), for the server's DATABASE_URL."""
    if database["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{database['NAME']}"
    user, password = (quote(database.get(key) or "", safe="") for key in ("USER", "PASSWORD"))
    credentials = f"{user}:{password}@" if user else ""
    return f"postgres://{credentials}{database.get('HOST') or ''}:{database.get('PORT') or ''}/{database['NAME']}"


# -- The throwaway database -------------------------------------------------------------------------
@contextmanager
def throwaway_database(database: dict) -> Iterator[str]:
    """A new, empty database beside ``database`` (a ``settings.DATABASES`` entry), for the block only:
    yields its URL, and removes it afterwards, even if the block fails."""
    if database["ENGINE"].endswith("sqlite3"):
        with tempfile.TemporaryDirectory(prefix="loadtest-") as folder:
            yield database_url({"ENGINE": database["ENGINE"], "NAME": str(Path(folder) / "db.sqlite3")})
        return
    if not database["ENGINE"].endswith("postgresql"):
        raise RuntimeError(f"the load test runs on SQLite or PostgreSQL, not {database['ENGINE']}")
    name = f"loadtest_{os.getpid()}_{secrets.token_hex(3)}"
    _on_server(database, "CREATE DATABASE {}", name)
    try:
        yield database_url(database | {"NAME": name})
    finally:
        # FORCE: a server worker's persistent connection may outlive the server by a moment.
        _on_server(database, "DROP DATABASE IF EXISTS {} WITH (FORCE)", name)


def _on_server(database: dict, statement: str, name: str) -> None:
    """Run ``statement`` (CREATE or DROP DATABASE ``name``) on the PostgreSQL server of ``database``,
    connected as Django connects, to its maintenance database ``postgres`` or else ``database`` itself."""
    import psycopg
    from psycopg import sql

    credentials = {key.lower(): database.get(key) or None for key in ("USER", "PASSWORD", "HOST", "PORT")}
    problem = None
    for dbname in ("postgres", database["NAME"]):
        try:
            with psycopg.connect(dbname=dbname, autocommit=True, **credentials) as server:
                server.execute(sql.SQL(statement).format(sql.Identifier(name)))
                return
        except psycopg.OperationalError as exc:  # cannot connect there: try the next
            problem = exc
        except psycopg.Error as exc:
            raise RuntimeError(f"{statement.format(name)} failed: {' '.join(str(exc).split())}") from exc
    raise RuntimeError(f"cannot reach the PostgreSQL server for the load test's database: {problem}")


def database_env(url: str) -> dict:
    """The environment of every process working in the database at ``url``: the server and each step.

    Production settings (DEBUG off), no throttling (wrk is one client), no replicas (they would mirror
    the configured database).
    """
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_REPLICA_URLS"}
    return env | {
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "load-test-only-key-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "API_THROTTLE_ANON": "off",
        "API_THROTTLE_USER": "off",
        THROWAWAY: str(dj_database_url.parse(url)["NAME"]),
    }


def in_database(url: str, step: str, *args: str) -> str:
    """Run ``step`` (a function of this module) in a fresh process on the database at ``url``; its output."""
    code = f"import django; django.setup(); from devtools.loadtest import {step}; {step}(*{args!r})"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=database_env(url),
        capture_output=True,
        text=True,
        timeout=600,
    )
    if result.returncode:
        raise RuntimeError(f"{step} in the load test's database failed: {result.stderr.strip()[-2000:]}")
    return result.stdout


def prepare() -> None:
    """(In the throwaway database's process.) Migrate, load the fixtures, create the writer with
    ``change_exercise``, and print a fresh API token of theirs."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission
    from django.core.management import call_command
    from django.db import connection
    from knox.models import AuthToken

    if os.environ.get(THROWAWAY) != str(connection.settings_dict["NAME"]):
        raise RuntimeError("the load test creates its writer only in a throwaway database it made itself")
    call_command("migrate", interactive=False, verbosity=0)
    call_command("loaddata", *settings.SEED_FIXTURES, verbosity=0)
    user = get_user_model().objects.create_user(WRITER)  # no usable password: the token only
    user.user_permissions.add(Permission.objects.get(codename="change_exercise"))
    print(AuthToken.objects.create(user=user)[1])


def recorded_notes(slug: str) -> None:
    """(In the throwaway database's process.) Print, as JSON, every ``notes`` in the exercise's history."""
    from exercises.models import Exercise

    print(json.dumps(sorted(set(Exercise.history.filter(slug=slug).values_list("notes", flat=True)))))


# -- The load ---------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def parse_wrk(output: str, report: Report) -> None:
    report.wrk_output = output
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    report.requests_per_second = float(rate.group(1)) if rate else 0.0
    total = re.search(r"(\d+) requests in", output)
    report.requests = int(total.group(1)) if total else 0
    for percent, name in (("50", "p50_ms"), ("99", "p99_ms")):
        found = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
        if found:
            setattr(report, name, _ms(*found.groups()))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    report.read_errors = (int(non_2xx.group(1)) if non_2xx else 0) + (
        sum(int(n) for n in sockets.groups()) if sockets else 0
    )


def _request(url, method="GET", body=None, headers=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), None


def run(
    database: dict, seconds: int = 30, workers: int = 2, connections: int = 16, slug: str = "tsentr-2011"
) -> Report:
    """The whole load test, in a throwaway database beside ``database`` (a ``settings.DATABASES``
    entry), which is left as it was."""
    with throwaway_database(database) as url:
        token = in_database(url, "prepare").strip()
        return load(url, token, seconds, workers, connections, slug)


def load(url: str, token: str, seconds: int, workers: int, connections: int, slug: str) -> Report:
    """Serve the database at ``url`` with gunicorn, load it for ``seconds``, write meanwhile, then check."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=settings.BASE_DIR,
        env=database_env(url),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    report = Report(seconds=seconds)
    try:
        _wait_until_up(base, server)
        stop = threading.Event()
        accepted: list[str] = []
        writer = threading.Thread(target=_write, args=(base, slug, token, stop, accepted, report))
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(LUA % ", ".join(f'"{path}"' for path in READS))
        writer.start()
        try:
            output = subprocess.run(
                ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", script.name, base],
                capture_output=True,
                text=True,
                timeout=seconds + 60,
                check=True,
            ).stdout
        finally:
            stop.set()
            writer.join(timeout=60)
            Path(script.name).unlink(missing_ok=True)
        parse_wrk(output, report)
        report.writes_accepted = len(accepted)
        _check_nothing_lost(base, url, slug, accepted, report)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return report


def _wait_until_up(base, server, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited: {server.stderr.read().decode()[-2000:]}")
        try:
            if _request(f"{base}/api/v1/")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer in time")


def _write(base, slug, token, stop, accepted, report):
    """The analyst: read, then PATCH with If-Match, again and again until told to stop."""
    auth = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
    number = 0
    while not stop.is_set():
        number += 1
        status, headers, _ = _request(f"{base}/api/v1/exercises/{slug}/")
        if status != 200:
            report.write_errors.append(f"read {status}")
            continue
        value = f"load test write {number}"
        status, _, body = _request(
            f"{base}/api/v1/exercises/{slug}/", "PATCH", {"notes": value}, auth | {"If-Match": headers["ETag"]}
        )
        if status == 200 and body and body.get("notes") == value:
            accepted.append(value)
        elif status == 412:
            report.writes_refused += 1
        else:
            report.write_errors.append(f"write {status}")
        time.sleep(0.05)


def _check_nothing_lost(base, url, slug, accepted, report):
    _, _, final = _request(f"{base}/api/v1/exercises/{slug}/")
    if accepted and final["notes"] != accepted[-1]:
        report.lost_writes.append(f"final value {final['notes']!r}, last accepted {accepted[-1]!r}")
    recorded = set(json.loads(in_database(url, "recorded_notes", slug)))
    report.lost_writes += [value for value in accepted if value not in recorded]
