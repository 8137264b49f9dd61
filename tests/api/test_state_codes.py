"""Correlates of War and Gleditsch-Ward codes in the API: country=cow:365 follows the code over time, the
exercise CSV's codes=cow,gw columns, and the states endpoint's codes."""

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from exercises import selectors
from tests.factories import exercise

pytestmark = pytest.mark.django_db
URL = "/api/v1/exercises/"


def day(text: str):
    return dt.date.fromisoformat(text), "day"


def slugs(api_client, **params) -> set[str]:
    response = api_client.get(URL, {"page_size": 1000, **params})
    assert response.status_code == 200, response.content
    return {row["slug"] for row in response.json()["results"]}


def csv_rows(api_client, **params) -> list[dict]:
    response = api_client.get(URL, {"format": "csv", **params})
    assert response.status_code == 200, response.content
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


@pytest.fixture
def germanies():
    return {
        "bonn-1970": exercise(["DEU", "USA"], slug="bonn-1970", start=day("1970-05-04"), end=day("1970-05-08")),
        "leipzig-1980": exercise(["DDDE", "SUHH"], slug="leipzig-1980", start=day("1980-09-01"), end=day("1980-09-05")),
        # Two days before unification and two after: CoW 260 ends on 2 October 1990, GW 260 goes on.
        "eve-1990": exercise(["DEU"], slug="eve-1990", start=day("1990-09-29"), end=day("1990-09-30")),
        "unified-1990": exercise(["DEU"], slug="unified-1990", start=day("1990-10-04"), end=day("1990-10-05")),
        "berlin-2015": exercise(["DEU", "POL"], slug="berlin-2015", start=day("2015-06-01"), end=day("2015-06-05")),
    }


@pytest.fixture
def soviet_and_russian():
    return {
        "zapad-1985": exercise(["SUHH", "POL"], slug="zapad-1985", start=day("1985-09-01"), end=day("1985-09-10")),
        "kavkaz-2009": exercise(["RUS"], slug="kavkaz-2009", start=day("2009-07-01"), end=day("2009-07-05")),
        # Russia named (wrongly) for 1985 is not the state CoW 365 denoted then.
        "misdated": exercise(["RUS"], slug="misdated", start=day("1985-06-01"), end=day("1985-06-02")),
    }


@pytest.mark.parametrize("value", ["cow:365", "COW:365", "Cow:rus", "cow:RUS", " cow : 365 "])
def test_a_code_is_read_with_its_prefix_in_any_case_by_number_or_letters(api_client, soviet_and_russian, value):
    assert slugs(api_client, country=value, year_min=1980, year_max=2009) == {"zapad-1985", "kavkaz-2009"}


def test_cow_365_is_the_soviet_union_until_1991_and_russia_after(api_client, soviet_and_russian):
    assert slugs(api_client, country="cow:365", year_min=1980, year_max=2009) == {"zapad-1985", "kavkaz-2009"}


def test_cow_260_is_germany_only_from_1955_until_2_october_1990(api_client, germanies):
    assert slugs(api_client, country="cow:260") == {"bonn-1970", "eve-1990"}


def test_cow_255_is_unified_germany_from_3_october_1990(api_client, germanies):
    assert slugs(api_client, country="cow:255", year_min=1946) == {"unified-1990", "berlin-2015"}


def test_gw_260_is_west_germany_and_then_unified_germany(api_client, germanies):
    assert slugs(api_client, country="gw:260") == {"bonn-1970", "eve-1990", "unified-1990", "berlin-2015"}


def test_gw_265_is_the_german_democratic_republic(api_client, germanies):
    assert slugs(api_client, country="gw:265") == {"leipzig-1980"}


def test_cow_345_is_yugoslavia_then_serbia_and_montenegro_then_serbia(api_client):
    for code, start in [("YUCS", "1985-05-01"), ("CSXX", "2004-05-01"), ("SRB", "2010-05-01")]:
        exercise([code], slug=f"{code.lower()}-exercise", start=day(start), end=day(start))
    assert slugs(api_client, country="cow:345") == {"yucs-exercise", "csxx-exercise", "srb-exercise"}
    assert slugs(api_client, country="gw:345") == {"yucs-exercise", "csxx-exercise"}


def test_country_all_takes_codes_each_during_its_periods(api_client, germanies):
    assert slugs(api_client, country_all="cow:260,US") == {"bonn-1970"}
    assert slugs(api_client, country_all="cow:260,POL") == set()


def test_a_code_mixes_with_plain_states(api_client, germanies, soviet_and_russian):
    assert slugs(api_client, country="cow:260,PL") == {"bonn-1970", "eve-1990", "berlin-2015", "zapad-1985"}


def test_a_code_of_a_state_that_never_took_part_matches_nothing(api_client, germanies):
    assert slugs(api_client, country="cow:2", year_min=2000) == set()


def test_an_exercise_without_dates_matches_no_code_that_changes_state(api_client):
    exercise(["RUS"], slug="undated-russia")
    assert "undated-russia" not in slugs(api_client, country="cow:365")
    assert "undated-russia" in slugs(api_client, country="RUS")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("cow:999", "cow:999 is not a Correlates of War state code."),
        ("gw:54", "gw:54 is not a Gleditsch-Ward state code."),  # Dominica: in CoW, not in GW's list
        ("cow:ZZZ", "cow:ZZZ is not a Correlates of War state code."),
    ],
)
def test_an_unknown_code_is_a_400_naming_the_parameter_and_the_code(api_client, value, message):
    response = api_client.get(URL, {"country": value})
    assert response.status_code == 400
    assert response.json() == {"country": [message]}


@pytest.mark.parametrize("value", ["cow:36x", "cow:", "cow:3650", "gw:RU", "cow:365:1"])
def test_a_malformed_code_is_a_400_saying_how_codes_read(api_client, value):
    response = api_client.get(URL, {"country_all": value})
    assert response.status_code == 400
    assert response.json()["country_all"] == [
        f"{value} is not a {'Gleditsch-Ward' if value.startswith('gw') else 'Correlates of War'} state code: give "
        f"its number ({value[: value.index(':')]}:365) or its three letters ({value[: value.index(':')]}:RUS)."
    ]


def test_an_unknown_code_system_is_a_400(api_client):
    response = api_client.get(URL, {"country": "iso:643"})
    assert response.status_code == 400
    assert response.json()["country"] == [
        "iso:643: unknown code system; use cow: (Correlates of War) or gw: (Gleditsch-Ward)."
    ]


def test_scenarios_and_locations_take_codes_too(api_client):
    assert api_client.get("/api/v1/scenarios/", {"country": "cow:705"}).json()["count"] > 0
    assert api_client.get("/api/v1/scenarios/", {"country": "cow:260"}).json()["count"] == 0
    assert api_client.get("/api/v1/scenarios/", {"adversary": "cow:999"}).status_code == 400
    assert api_client.get("/api/v1/locations/", {"state": "cow:705"}).json()["count"] > 0


# -- The CSV's codes ---------------------------------------------------------------------------------
def test_codes_cow_gw_adds_the_participants_codes_after_them(api_client, soviet_and_russian):
    [row] = csv_rows(api_client, codes="cow,gw", country="PL")
    columns = list(row)
    assert columns[columns.index("participants") :][:5] == ["participants", "cown", "cowc", "gwn", "gwc"]
    assert (row["participants"], row["cown"], row["cowc"], row["gwn"], row["gwc"]) == (
        "POL;SUHH",
        "290;365",
        "POL;RUS",
        "290;365",
        "POL;RUS",
    )


def test_codes_are_those_at_the_exercise_s_dates(api_client, germanies):
    rows = {row["slug"]: row for row in csv_rows(api_client, codes="cow", country="DE")}
    assert rows["bonn-1970"]["cown"] == "260;2"  # DEU;USA
    assert rows["unified-1990"]["cown"] == "255"
    assert rows["berlin-2015"]["cowc"] == "GMY;POL"


def test_an_exercise_across_two_codes_gets_both_and_a_state_outside_the_list_none(api_client):
    exercise(["DEU", "AND"], slug="all-of-1990", start=(dt.date(1990, 1, 1), "year"))
    [row] = csv_rows(api_client, codes="COW", country="AD")
    assert (row["participants"], row["cown"]) == ("AND;DEU", ";260/255")
    [row] = csv_rows(api_client, codes="gw", country="AD")  # Andorra is not in GW's list of states
    assert (row["gwn"], row["gwc"]) == (";260", ";GFR")


def test_codes_given_twice_or_repeated_add_each_system_once(api_client, germanies):
    response = api_client.get(f"{URL}?format=csv&codes=gw&codes=cow,gw&country=DE")
    header = next(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [name for name in header if name[:2] in ("co", "gw") and name != "country"] == ["gwn", "gwc", "cown", "cowc"]


def test_without_codes_the_csv_keeps_its_documented_columns(api_client):
    from tests.api.documented import CSV_COLUMNS

    response = api_client.get(URL, {"format": "csv", "year": 1901})
    assert b"".join(response.streaming_content).decode().splitlines()[0].split(",") == CSV_COLUMNS


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"format": "csv", "codes": "iso"}, "iso is not one of: cow, gw."),
        ({"format": "csv", "codes": "cow,polity"}, "polity is not one of: cow, gw."),
        ({"codes": "cow"}, "Only with format=csv (the states/ endpoint lists every state's codes)."),
        (
            {"format": "geojson", "codes": "gw"},
            "Only with format=csv (the states/ endpoint lists every state's codes).",
        ),
    ],
)
def test_codes_are_strict(api_client, params, message):
    response = api_client.get(URL, params)
    assert response.status_code == 400
    assert response.json() == {"codes": [message]}


def test_codes_is_not_a_parameter_of_the_detail(api_client):
    response = api_client.get(f"{URL}tsentr-2011/", {"format": "csv", "codes": "cow"})
    assert response.status_code == 400 and "codes" in response.json()


def test_codes_is_documented_in_the_schema(api_client):
    schema = api_client.get("/api/schema/", {"format": "json"}).json()
    [parameter] = [p for p in schema["paths"]["/api/v1/exercises/"]["get"]["parameters"] if p["name"] == "codes"]
    assert parameter["schema"] == {"type": "array", "items": {"type": "string", "enum": ["cow", "gw"]}}


def export_queries(api_client, **params) -> int:
    with CaptureQueriesContext(connection) as captured:
        csv_rows(api_client, **params)
    return len(captured)


@pytest.mark.parametrize(("count", "chunks"), [(1, 1), (12, 3)])
def test_the_codes_cost_one_query_per_export_and_one_per_chunk(api_client, monkeypatch, count, chunks):
    monkeypatch.setattr(selectors, "CHUNK", 5)
    for number in range(count):
        exercise(["DEU", "RUS", "USA"], slug=f"bulk-{number}", start=day("2015-06-01"), end=day("2015-06-02"))
    export_queries(api_client, country="DE")  # warm what the first request reads once
    plain = export_queries(api_client, country="DE")
    assert export_queries(api_client, country="DE", codes="cow,gw") - plain == 1 + chunks


# -- The states endpoint -----------------------------------------------------------------------------
def test_a_state_shows_its_codes_with_their_periods(api_client):
    codes = api_client.get("/api/v1/states/SUHH/").json()["codes"]
    assert codes == [
        {
            "system": "cow",
            "number": 365,
            "letters": "RUS",
            "name": "Russia",
            "valid_from": "1922-12-30",
            "valid_to": "1991-12-25",
        },
        {
            "system": "gw",
            "number": 365,
            "letters": "RUS",
            "name": "Russia (Soviet Union)",
            "valid_from": "1922-12-30",
            "valid_to": "1991-12-25",
        },
    ]


def test_the_states_list_shows_codes_in_constant_queries(api_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        rows = api_client.get("/api/v1/states/", {"page_size": 300}).json()["results"]
    germany = next(row for row in rows if row["code"] == "DEU")
    assert {(code["system"], code["number"]) for code in germany["codes"]} == {
        ("cow", 255),
        ("cow", 260),
        ("gw", 255),
        ("gw", 260),
    }
