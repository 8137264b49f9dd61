"""The exercise filters against a plain-Python reference, on random exercises and random filter combinations.

Hypothesis generates exercises (partial dates of every precision, participants in random roles, a
reported troop figure beside figures that must not count) and a query combining the filters of
``/api/v1/exercises/``; the API's answer must be the set of slugs the reference computes from the
same rows. The reference implements the semantics the README documents, independently of
``exercises.filtersets``: date filters compare the widest span the partial dates allow.

Every generated exercise carries the series ``SERIES`` and every query asks for it, which leaves the
seed fixtures' exercises out; each example runs in a savepoint that is rolled back, so it starts from
no generated exercise at all.
"""

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from exercises.models import Exercise, Participation, State, TroopFigure

pytestmark = pytest.mark.django_db

URL = "/api/v1/exercises/"
SERIES = "filter-properties"
POOL = ["RUS", "KAZ", "BLR", "USA", "CHN", "IND", "FRA", "KGZ"]
ROLES = ["host", "lead", "participant", "observer"]
PRECISIONS = ["day", "month", "year"]
FIRST_DAY, LAST_DAY = dt.date(1990, 1, 1), dt.date(2025, 12, 31)
FILTERS = (
    "country",
    "country_all",
    "role",
    "year",
    "year_min",
    "year_max",
    "date_from",
    "date_to",
    "troops_min",
    "troops_max",
)


# -- The rows --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Row:
    """One generated exercise, as the reference sees it."""

    slug: str
    start: tuple[dt.date, str] | None  # (first day of the period, precision)
    end: tuple[dt.date, str] | None
    year: int | None  # given by hand only when no date is known
    participants: tuple[tuple[str, str], ...]  # (state code, role or "")
    reported: tuple[str, int | None, int | None] | None  # (qualifier, low, high) of the reported total
    decoys: tuple[tuple[str, int], ...]  # figures that are not the reported total: ("other" | state code, value)


def first_day(day: dt.date, precision: str) -> dt.date:
    return {"year": day.replace(month=1, day=1), "month": day.replace(day=1), "day": day}[precision]


def last_day(first: dt.date, precision: str) -> dt.date:
    if precision == "year":
        return dt.date(first.year, 12, 31)
    if precision == "month":
        following = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
        return following - dt.timedelta(days=1)
    return first


def days_between(earliest: dt.date, latest: dt.date):
    """Days spread over the range (``st.dates`` favours the first day, hence the first of January)."""
    return st.integers(0, (latest - earliest).days).map(lambda offset: earliest + dt.timedelta(days=offset))


@st.composite
def partial_dates(draw, earliest=FIRST_DAY, latest=LAST_DAY):
    precision = draw(st.sampled_from(PRECISIONS))
    return first_day(draw(days_between(earliest, latest)), precision), precision


@st.composite
def figures(draw):
    qualifier = draw(st.sampled_from(["exact", "about", "at_least", "up_to"]))
    low = draw(st.sampled_from([0, 500, 1000, 5000, 12000]) | st.integers(0, 60_000))
    high = low + draw(st.sampled_from([0, 1, 1000]) | st.integers(0, 20_000))
    bounds = {"exact": (low, low), "about": (low, high), "at_least": (low, None), "up_to": (None, high)}
    return (qualifier, *bounds[qualifier])


@st.composite
def rows(draw, slug, earliest=FIRST_DAY, latest=LAST_DAY):
    start = draw(st.none() | partial_dates(earliest, latest))
    end = draw(st.none() | partial_dates(start[0] - dt.timedelta(days=40) if start else earliest, latest))
    if start and end and last_day(*end) < start[0]:
        end = None  # the end may not lie before the start
    participants = draw(
        st.lists(st.tuples(st.sampled_from(POOL), st.sampled_from(["", *ROLES])), max_size=6, unique_by=lambda p: p[0])
    )
    decoys = draw(
        st.lists(
            st.tuples(st.sampled_from(["other", *POOL]), st.integers(0, 60_000)), max_size=2, unique_by=lambda d: d[0]
        )
    )
    return Row(
        slug=slug,
        start=start,
        end=end,
        year=None if start or end else draw(st.none() | st.integers(earliest.year, latest.year)),
        participants=tuple(participants),
        reported=draw(st.none() | figures()),
        decoys=tuple(decoys),
    )


def exercise_rows(earliest=FIRST_DAY, latest=LAST_DAY):
    """1 to 8 exercises, with slugs unique within the example."""
    return st.integers(1, 8).flatmap(lambda n: st.tuples(*(rows(f"prop-{i}", earliest, latest) for i in range(n))))


def create(row: Row, states: dict[str, State]) -> None:
    fields = {"slug": row.slug, "name": row.slug.title(), "series": SERIES, "year": row.year}
    for part in ("start", "end"):
        value, precision = getattr(row, part) or (None, "unknown")
        fields |= {f"{part}_date": value, f"{part}_precision": precision}
    exercise = Exercise.objects.create(**fields)
    for code, role in row.participants:
        Participation.objects.create(exercise=exercise, state=states[code], role=role)
    if row.reported:
        qualifier, low, high = row.reported
        TroopFigure.objects.create(exercise=exercise, qualifier=qualifier, low=low, high=high, is_reported=True)
    for scope, value in row.decoys:
        if scope == "other":  # a competing total, not the reported one
            TroopFigure.objects.create(exercise=exercise, low=value, high=value, basis="estimated")
        else:  # one state's contingent, reported for that state only
            TroopFigure.objects.create(exercise=exercise, state=states[scope], low=value, high=value, is_reported=True)


# -- The reference ---------------------------------------------------------------------------------
def year_of(row: Row) -> int | None:
    """The year the exercise starts, or ends if the start is unknown; else the one given by hand."""
    if row.start:
        return row.start[0].year
    if row.end:
        return row.end[0].year
    return row.year


def span(row: Row) -> tuple[dt.date, dt.date] | None:
    """The widest span the partial dates allow; an unknown start or end opens it to its year's edge."""
    year = year_of(row)
    if year is None:
        return None
    begins = row.start[0] if row.start else dt.date(year, 1, 1)
    ends = last_day(*row.end) if row.end else dt.date(year, 12, 31)
    return begins, ends


def reported_troops(row: Row) -> int | None:
    if row.reported is None:
        return None
    _, low, high = row.reported
    return low if low is not None else high


def matches(row: Row, query: dict) -> bool:
    role = query.get("role")
    took_part = {code for code, part in row.participants if role is None or part == role}
    if "country" in query and not took_part & set(query["country"]):
        return False
    if "country_all" in query and not set(query["country_all"]) <= took_part:
        return False
    if role and not took_part:
        return False
    year = year_of(row)
    for name, holds in [("year", int.__eq__), ("year_min", int.__ge__), ("year_max", int.__le__)]:
        if name in query and (year is None or not holds(year, query[name])):
            return False
    troops = reported_troops(row)
    for name, holds in [("troops_min", int.__ge__), ("troops_max", int.__le__)]:
        if name in query and (troops is None or not holds(troops, query[name])):
            return False
    if "date_from" in query or "date_to" in query:
        overlap = span(row)
        if overlap is None:
            return False
        if "date_from" in query and overlap[1] < query["date_from"][0]:
            return False
        if "date_to" in query and overlap[0] > last_day(*query["date_to"]):
            return False
    return True


def refusal(query: dict) -> str | None:
    """The parameter a 400 must name, for a query whose bounds contradict each other."""
    for low, high in [("year_min", "year_max"), ("troops_min", "troops_max")]:
        if low in query and high in query and query[low] > query[high]:
            return low
    if "date_from" in query and "date_to" in query and query["date_from"][0] > last_day(*query["date_to"]):
        return "date_from"
    return None


# -- The queries -----------------------------------------------------------------------------------
def formatted(value: tuple[dt.date, str]) -> str:
    day, precision = value
    return {"year": f"{day:%Y}", "month": f"{day:%Y-%m}", "day": day.isoformat()}[precision]


@st.composite
def queries(draw, generated: tuple[Row, ...], names: tuple[str, ...] = FILTERS, most: int = 3):
    """A random combination of up to ``most`` of the filters ``names``; the values are often taken near
    the rows' own (dates, years, figures, states), so that the filters cut through the rows."""
    edges = [edge for row in generated if (overlap := span(row)) for edge in overlap]
    edges += [day for row in generated for part in (row.start, row.end) if part for day in (part[0], last_day(*part))]
    days = days_between(dt.date(1989, 1, 1), dt.date(2026, 12, 31))
    if edges:
        days = days_between(min(edges) - dt.timedelta(days=60), max(edges) + dt.timedelta(days=60))
        offsets = st.sampled_from([-1, 0, 1]) | st.integers(-45, 45)
        near_edges = st.tuples(st.sampled_from(edges), offsets).map(lambda pick: pick[0] + dt.timedelta(days=pick[1]))
        days = days | near_edges
    figures_seen = [troops for row in generated if (troops := reported_troops(row)) is not None]
    counts = st.integers(0, 80_000) | (
        st.tuples(st.sampled_from(figures_seen), st.sampled_from([-1, 0, 1])).map(lambda pick: max(0, sum(pick)))
        if figures_seen
        else st.nothing()
    )
    years_seen = sorted({year for row in generated if (year := year_of(row)) is not None})
    years = st.integers(1989, 2026) | (
        st.tuples(st.sampled_from(years_seen), st.integers(-1, 1)).map(sum) if years_seen else st.nothing()
    )
    codes_seen = sorted({code for row in generated for code, _ in row.participants})
    codes = st.sampled_from(POOL) | (st.sampled_from(codes_seen) if codes_seen else st.nothing())
    options = {
        "country": st.lists(codes, min_size=1, max_size=3, unique=True),
        "country_all": st.lists(codes, min_size=1, max_size=2, unique=True),
        "role": st.sampled_from(ROLES),
        "year": years,
        "year_min": years,
        "year_max": years,
        "date_from": st.tuples(days, st.sampled_from(PRECISIONS)).map(lambda d: (first_day(*d), d[1])),
        "date_to": st.tuples(days, st.sampled_from(PRECISIONS)).map(lambda d: (first_day(*d), d[1])),
        "troops_min": counts,
        "troops_max": counts,
    }
    chosen = draw(st.permutations(names))[: draw(st.integers(1, most))]
    return {name: draw(options[name]) for name in chosen}


def parameters(query: dict, states: dict[str, State], draw) -> list[tuple[str, str]]:
    """The query as URL parameters: states by any of their codes or names, lists repeated or joined."""
    pairs = [("series", SERIES), ("page_size", "1000")]
    for name, value in query.items():
        if name in ("country", "country_all"):
            spelled = [draw(st.sampled_from(spellings(states[code]))) for code in value]
            if draw(st.booleans()):
                pairs += [(name, text) for text in spelled]
            else:
                pairs.append((name, ",".join(spelled)))
        elif name in ("date_from", "date_to"):
            pairs.append((name, formatted(value)))
        else:
            pairs.append((name, str(value)))
    return pairs


def spellings(state: State) -> list[str]:
    return [state.alpha3, state.alpha2, state.alpha3.lower(), state.name, state.display_name.upper()]


# -- The properties --------------------------------------------------------------------------------
PROPERTY = settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def agrees_with_the_reference(api_client, generated: tuple[Row, ...], data, names=FILTERS, most=3):
    """Create ``generated``, draw a query over ``names`` and compare the API's slugs with the reference's."""
    states = {state.code: state for state in State.objects.filter(code__in=POOL)}
    with transaction.atomic():
        for row in generated:
            create(row, states)
        query = data.draw(queries(generated, names, most), label="query")
        url = f"{URL}?{urlencode(parameters(query, states, data.draw))}"
        note(f"GET {url}")
        note(f"rows: {generated!r}")
        response = api_client.get(url)
        refused = refusal(query)
        if refused:
            assert response.status_code == 400 and refused in response.json(), response.content
        else:
            assert response.status_code == 200, response.content
            expected = {row.slug for row in generated if matches(row, query)}
            assert {item["slug"] for item in response.json()["results"]} == expected
        transaction.set_rollback(True)


@PROPERTY
@given(generated=exercise_rows(), data=st.data())
def test_participant_filters_agree_with_the_reference(api_client, generated, data):
    agrees_with_the_reference(api_client, generated, data, names=("country", "country_all", "role"))


@PROPERTY
@given(generated=exercise_rows(dt.date(2010, 1, 1), dt.date(2012, 12, 31)), data=st.data())
def test_date_and_year_filters_agree_with_the_reference(api_client, generated, data):
    """On three years, so that spans, partial dates and years meet often."""
    names = ("date_from", "date_to", "year", "year_min", "year_max")
    agrees_with_the_reference(api_client, generated, data, names=names, most=2)


@PROPERTY
@given(generated=exercise_rows(), data=st.data())
def test_troop_filters_agree_with_the_reference(api_client, generated, data):
    agrees_with_the_reference(api_client, generated, data, names=("troops_min", "troops_max"), most=2)


@PROPERTY
@given(generated=exercise_rows(), data=st.data())
def test_filter_combinations_agree_with_the_reference(api_client, generated, data):
    agrees_with_the_reference(api_client, generated, data, most=4)


def test_reference_spans_follow_the_readme():
    """The reference's own reading of partial dates: "September 2011" runs 1 to 30 September, and an
    unknown end opens the span to the end of the start's year."""
    september = Row("s", (dt.date(2011, 9, 1), "month"), (dt.date(2011, 9, 1), "month"), None, (), None, ())
    assert span(september) == (dt.date(2011, 9, 1), dt.date(2011, 9, 30))
    open_ended = Row("o", (dt.date(2011, 9, 20), "day"), None, None, (), None, ())
    assert span(open_ended) == (dt.date(2011, 9, 20), dt.date(2011, 12, 31))
    assert last_day(dt.date(2012, 2, 1), "month") == dt.date(2012, 2, 29)
    assert last_day(dt.date(2011, 12, 1), "month") == dt.date(2011, 12, 31)
