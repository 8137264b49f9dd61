"""A bounded load test on loopback: gunicorn serves, wrk reads, an analyst writes, nothing is lost.

``manage.py loadtest`` and ``tests/test_load.py`` both call :func:`run`. wrk (Debian package
``wrk``) sends a mix of read requests for a fixed time over 16 connections while one writer thread
PATCHes an exercise with If-Match, as an analyst would; afterwards every accepted write must be
visible (the final value and the history), and wrk must report no errors.
"""

import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from knox.models import AuthToken

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


def writer_token() -> str:
    """A fresh API token for the analyst whose edits the load test makes (created if need be)."""
    user, _ = get_user_model().objects.get_or_create(username="load-test-writer")
    user.user_permissions.add(Permission.objects.get(codename="change_exercise"))
    return AuthToken.objects.create(user=user)[1]


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
    database_url: str, token: str, seconds: int = 30, workers: int = 2, connections: int = 16, slug: str = "tsentr-2011"
) -> Report:
    """Serve ``database_url`` with gunicorn, load it for ``seconds``, write meanwhile, then check."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = os.environ | {
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "load-test-only-key-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "API_THROTTLE_ANON": "off",
        "API_THROTTLE_USER": "off",
    }
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
        env=env,
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
        _check_nothing_lost(base, slug, accepted, report)
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


def _check_nothing_lost(base, slug, accepted, report):
    from exercises.models import Exercise

    _, _, final = _request(f"{base}/api/v1/exercises/{slug}/")
    if accepted and final["notes"] != accepted[-1]:
        report.lost_writes.append(f"final value {final['notes']!r}, last accepted {accepted[-1]!r}")
    recorded = set(Exercise.history.filter(slug=slug).values_list("notes", flat=True))
    report.lost_writes += [value for value in accepted if value not in recorded]
