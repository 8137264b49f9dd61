"""The API benchmark: a fixed set of questions, timed through the real Django stack and against floors.

Each question is asked three ways:

- **API**, in process: ``django.test.Client`` through URL routing, middleware, filters, serializers
  and renderer, with ``DEBUG`` off, on the configured database.
- **Floor**: the same answer from one hand-written SQL query (for lists: the same WHERE, ORDER BY and
  page of 50 compact rows, participants and places aggregated in SQL) plus the COUNT the pagination
  reports, encoded with orjson. It is what the answer costs with no framework at all; API/floor says
  how far the API is from it. Before timing, the floor's rows are checked against the API's.
- **Over HTTP** (SQLite only): the API served by gunicorn (one sync worker) against Datasette
  answering the floor's SQL on the same file, both queried over loopback.

``runner.run()`` prints one table; ``--verbose`` adds every query the API ran and the query plans of
the main list query and of the floor.

- ``floors``: the questions, their floors' SQL, and the check that a floor gives the API's answer;
- ``servers``: gunicorn and Datasette on loopback, for the columns over HTTP;
- ``runner``: the timing, the run and the report.
"""


class BenchError(Exception):
    """The benchmark cannot run as asked (no fixtures, a server that does not start, a bad answer)."""
