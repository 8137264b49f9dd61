"""The API (gunicorn) and Datasette served on loopback, for the benchmark's columns over HTTP."""

import http.client
import json
import os
import re
import subprocess
import sys
import time
import urllib.parse
from contextlib import contextmanager

from django.conf import settings

from devtools.bench import BenchError
from devtools.bench.floors import Floor

SERVER_START_TIMEOUT = 60


def http_get(port: int, path: str) -> bytes:
    """GET over a fresh loopback connection (gunicorn's sync worker closes each one).

    The request says it came through HTTPS, as from the TLS-terminating proxy the API runs behind in
    production; with DEBUG off the API redirects plain HTTP.
    """
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        conn.request("GET", path, headers={"X-Forwarded-Proto": "https"})
        response = conn.getresponse()
        body = response.read()
    finally:
        conn.close()
    if response.status != 200:
        raise BenchError(
            f"http://127.0.0.1:{port}{path} answered {response.status}{hint(response.status)}: {body[:300]!r}"
        )
    return body


def hint(status: int) -> str:
    return " (throttled: set API_THROTTLE_ANON=off, or fewer --repeat)" if status == 429 else ""


@contextmanager
def server(command: list[str], port: int, ready_path: str, env: dict | None = None):
    """Run ``command`` until the block ends, once ``ready_path`` answers; stop it by its own id."""
    process = subprocess.Popen(
        command, cwd=settings.BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while True:
            if process.poll() is not None:
                raise BenchError(f"{command[2]} stopped at start: {process.stderr.read()[-2000:]}")
            try:
                http_get(port, ready_path)
                break
            except (OSError, BenchError, http.client.HTTPException):
                if time.monotonic() > deadline:
                    raise BenchError(f"{command[2]} did not answer on port {port}.") from None
                time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def gunicorn(port: int):
    """The project's WSGI app in one sync worker, on the same database, with DEBUG off."""
    env = os.environ | {"DEBUG": "0", "SECRET_KEY": os.environ.get("SECRET_KEY") or "bench-only-not-secret"}
    env["DATABASE_URL"] = f"sqlite:///{settings.DATABASES['default']['NAME']}"
    command = [sys.executable, "-m", "gunicorn", "config.wsgi", "-w", "1", "-b", f"127.0.0.1:{port}"]
    return server(command, port, "/api/v1/", env)


def datasette(port: int, path: str):
    command = [sys.executable, "-m", "datasette", "serve", path, "--host", "127.0.0.1", "--port", str(port)]
    command += ["--setting", "sql_time_limit_ms", "10000", "--setting", "max_returned_rows", "100000"]
    return server(command, port, "/-/versions.json")


class Datasette:
    """Asks a running Datasette the floor's questions: the same SQL, parameters by name."""

    def __init__(self, port: int, path: str):
        self.port = port
        databases = json.loads(http_get(port, "/-/databases.json"))
        self.database = next(d["name"] for d in databases if d.get("path") and os.path.samefile(d["path"], path))

    def url(self, sql: str, params: dict, shape: str = "json") -> str:
        query = {"sql": re.sub(r"%\((\w+)\)s", r":\1", sql), **{k: str(v) for k, v in params.items()}}
        if shape == "json":
            query["_shape"] = "array"
        return f"/{urllib.parse.quote(self.database)}.{shape}?{urllib.parse.urlencode(query)}"

    def ask(self, floor: Floor) -> bytes:
        """The floor's answer: page and count for a list (two requests), CSV for an export."""
        if floor.kind == "csv":
            return http_get(self.port, self.url(floor.sql, floor.params, shape="csv"))
        body = http_get(self.port, self.url(floor.sql, floor.params))
        if floor.count:
            body += http_get(self.port, self.url(floor.count, floor.params))
        return body
