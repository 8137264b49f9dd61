"""build_state_codes: countrycode's state-years collapsed into periods, each mapped to our states over time."""

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from devtools.statecodes import build_state_codes

STATES = Path(settings.BASE_DIR) / "fixtures" / "states.json"


def write(path: Path, header: str, rows: list[str]) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def years(template: str, first: int, last: int, skip=()) -> list[str]:
    return [template.format(year=year) for year in range(first, last + 1) if year not in skip]


@pytest.fixture
def lists(tmp_path):
    """A small CoW list (1816-2016) and GW list (1816-2017), with the codelist's ISO codes."""
    cow = write(
        tmp_path / "cow.csv",
        "country,cowc,cown,cow.name,year",
        [
            *years("United States of America,USA,2,United States of America,{year}", 1816, 2016),
            *years("Russia,RUS,365,Russia,{year}", 1816, 2016),
            *years("Poland,POL,290,Poland,{year}", 1918, 2016, skip=range(1940, 1945)),
            *years("German Federal Republic,GFR,260,German Federal Republic,{year}", 1955, 1989),
            *years("Germany,GMY,255,Germany,{year}", 1990, 2016),
            *years("Bavaria,BAV,245,Bavaria,{year}", 1816, 1871),
            *years("Kosovo,KOS,347,Kosovo,{year}", 2008, 2016),
        ],
    )
    gw = write(
        tmp_path / "gw.csv",
        "gwn,gwc,country,year",
        [
            *years("2,USA,United States of America,{year}", 1816, 2017),
            *years("260,GFR,German Federal Republic,{year}", 1949, 2017),
        ],
    )
    codelist = write(
        tmp_path / "codelist.csv",
        "country.name.en,iso3c,cown,gwn",
        ["United States,USA,2,2", "Poland,POL,290,290", "Germany,DEU,255,260", "Russia,RUS,365,365"],
    )
    return cow, gw, codelist


def periods(build, system: str, number: int) -> list[tuple]:
    return [
        (obj["fields"]["state"][0], obj["fields"]["valid_from"], obj["fields"]["valid_to"])
        for obj in build.objects
        if (obj["fields"]["system"], obj["fields"]["number"]) == (system, number)
    ]


def test_state_years_collapse_into_periods_open_at_the_lists_ends(lists):
    build = build_state_codes(*lists, STATES)
    assert periods(build, "cow", 2) == [("USA", None, None)]
    assert periods(build, "cow", 290) == [("POL", "1918-01-01", "1939-12-31"), ("POL", "1945-01-01", None)]


def test_a_code_follows_the_iso_state_of_its_time(lists):
    build = build_state_codes(*lists, STATES)
    assert periods(build, "cow", 365) == [
        ("RUS", None, "1922-12-29"),
        ("SUHH", "1922-12-30", "1991-12-25"),
        ("RUS", "1991-12-26", None),
    ]


def test_codes_that_take_over_within_a_year_meet_on_the_day(lists):
    build = build_state_codes(*lists, STATES)
    assert periods(build, "cow", 260) == [("DEU", "1955-01-01", "1990-10-02")]
    assert periods(build, "cow", 255) == [("DEU", "1990-10-03", None)]
    assert periods(build, "gw", 260) == [("DEU", "1949-01-01", None)]


def test_periods_before_1900_are_dropped_and_states_of_no_iso_row_reported(lists):
    build = build_state_codes(*lists, STATES)
    assert [(run.number, run.last) for run in build.dropped] == [(245, 1871)]
    assert [(run.system, run.number) for run in build.unmapped] == [("cow", 347)]
    assert not periods(build, "cow", 245) and not periods(build, "cow", 347)


def test_gw_816_which_countrycode_leaves_out_is_added(lists):
    build = build_state_codes(*lists, STATES)
    assert periods(build, "gw", 816) == [("VDVN", "1954-01-01", "1976-07-01"), ("VNM", "1976-07-02", None)]
    assert [(run.system, run.number) for run in build.supplemented] == [("gw", 816)]


def test_the_command_writes_the_fixture_and_reports(lists, tmp_path, capsys):
    output = tmp_path / "state_codes.json"
    call_command("build_state_codes", *map(str, lists[:2]), "--codelist", str(lists[2]), "--output", str(output))
    written = json.loads(output.read_text(encoding="utf-8"))
    assert {obj["model"] for obj in written} == {"exercises.statecode"}
    out = capsys.readouterr().out
    assert "Dropped 1 periods that end before 1900." in out
    assert "No state for cow 347 KOS Kosovo: 2008-2016 (9 state-years) (after 1945)" in out


def test_a_file_that_is_not_a_countrycode_list_is_refused(lists, tmp_path):
    wrong = write(tmp_path / "wrong.csv", "name,year", ["x,2000"])
    with pytest.raises(CommandError, match="no column cown, cowc, cow.name"):
        call_command(
            "build_state_codes", str(wrong), str(lists[1]), "--codelist", str(lists[2]), "--output", str(tmp_path)
        )


def test_the_committed_fixture_is_what_the_generator_writes_in_shape():
    objects = json.loads((Path(settings.BASE_DIR) / "fixtures" / "state_codes.json").read_text(encoding="utf-8"))
    assert objects and all(set(obj) == {"model", "fields"} for obj in objects)  # natural keys, no pk
    keys = [(o["fields"]["system"], o["fields"]["number"], o["fields"]["valid_from"] or "") for o in objects]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
