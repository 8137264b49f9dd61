"""The MME v7 importer: mapping of names, dates, flags, places and troop figures, re-imports, errors.

Most tests import ``tests/data/mme/sample.csv`` (20 rows with the real header, some taken from MME,
some written to exercise one rule). ``TestFullFile`` imports the whole data set from the shared
folder, once for the class, and checks totals computed here from the CSV itself.
"""

import calendar
import csv
import datetime as dt
from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count

from exercises.choices import DatePrecision, LocationKind, Qualifier
from exercises.importers import mme
from exercises.importers.mme import extract_troop_figures, import_mme
from exercises.models import (
    CITATION_TARGETS,
    Citation,
    Exercise,
    ExternalIdentifier,
    Location,
    OrganisationParticipation,
    Participation,
    Source,
    State,
    TroopFigure,
)

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data" / "mme"
SAMPLE = DATA / "sample.csv"
FULL_FILE = Path(settings.BASE_DIR).parent / "shared" / "datasets" / "mme_v7.csv"


def exercise(identifier: str) -> Exercise:
    return Exercise.objects.get(external_ids__source__key="mme-v7", external_ids__identifier=identifier)


def codes(identifier: str) -> set[str]:
    return set(exercise(identifier).participations.values_list("state__code", flat=True))


def variant(tmp_path: Path, changes: dict[str, dict[str, str]], drop: tuple[str, ...] = ()) -> Path:
    """A copy of the sample with some cells changed (by MMEID and column) and some rows left out."""
    with SAMPLE.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = [row | changes.get(row["MMEID"], {}) for row in reader if row["MMEID"] not in drop]
        header = reader.fieldnames
    path = tmp_path / "variant.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, header)
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture
def sample():
    return import_mme(SAMPLE)


# -- Participants -----------------------------------------------------------------------------------
def test_import_maps_countrycode_spellings(sample):
    assert codes("mme9001") == {"COD", "COG", "MMR", "VCT", "CIV", "HKG", "LCA"}


def test_import_maps_st_christopher_to_st_kitts_and_nevis(sample):
    assert codes("mme9011") == codes("mme9010") == {"KNA", "USA"}


def test_federal_republic_of_germany_is_germany(sample):
    assert "DEU" in codes("mme90")


def test_former_states_keep_their_iso_3166_3_codes(sample):
    assert codes("mme650") == {"CSHH", "SUHH"}
    assert "YUCS" in codes("mme9020")


def test_russia_before_1992_is_the_soviet_union(sample):
    assert codes("mme94") == {"DDDE", "SUHH"}
    soviet = exercise("mme94").participations.get(state__code="SUHH")
    assert soviet.notes == 'MME lists "Russia"'
    assert "RUS" in codes("mme3493")  # 1997


def test_territories_are_their_own_states(sample):
    assert codes("mme9002") == {"BMU", "ANHH", "NCL", "GBR", "KOR"}


def test_nato_becomes_organisation_participant(sample):
    cope_thunder = exercise("mme2860")
    assert list(cope_thunder.organisation_participations.values_list("organisation__acronym", flat=True)) == ["NATO"]
    assert codes("mme2860") == {"AUS", "JPN", "USA"}


def test_nato_as_additional_participant_info_stays_text(sample):
    elder_forest = exercise("mme96")
    assert not elder_forest.organisation_participations.exists()
    assert elder_forest.participants_note.startswith("NATO")


def test_baltic_states_become_three_states(sample):
    tsentrazbat = exercise("mme3493")
    baltic = dict(
        tsentrazbat.participations.filter(state__code__in=["EST", "LVA", "LTU"]).values_list("state__code", "notes")
    )
    assert baltic == dict.fromkeys(["EST", "LVA", "LTU"], 'MME lists "Baltic States"')
    assert tsentrazbat.participations.filter(state__code="EST").count() == 1  # also listed by name


def test_unnamed_participants_are_counted_in_participants_note(sample):
    assert exercise("mme96").participants_note == "NATO\nMME lists 1 participant(s) it could not name (-9)."
    assert sample.unnamed_participants == 2


def test_unmatched_names_are_reported_and_flagged():
    summary = import_mme(DATA / "unmatched.csv")
    lost = exercise("mme9101")
    assert summary.unmatched == Counter({"Atlantis": 2})
    assert codes("mme9101") == {"USA"}
    assert lost.needs_review
    assert 'StateA "Atlantis" matches no state' in lost.review_notes


def test_sample_names_all_match(sample):
    assert sample.unmatched == Counter()


# -- Dates ------------------------------------------------------------------------------------------
def test_xx_day_gives_month_precision(sample):
    readex = exercise("mme301")
    assert (readex.start_date, readex.start_precision) == (dt.date(1983, 3, 1), DatePrecision.MONTH)
    assert readex.span_end == dt.date(1983, 3, 31)


def test_two_digit_years(sample):
    harbour_watch = exercise("mme9002")
    assert harbour_watch.start_date == dt.date(1999, 12, 31)
    assert harbour_watch.end_date == dt.date(2000, 1, 4)
    assert exercise("mme87").year == 1980


@pytest.mark.parametrize(("digits", "year"), [("80", 1980), ("99", 1999), ("00", 2000), ("30", 2030)])
def test_two_digit_year_rule(digits, year):
    assert mme.expand_year(digits) == year


def test_two_digit_year_outside_the_rule_is_refused():
    with pytest.raises(ValueError, match="neither 80-99 nor 00-30"):
        mme.expand_year("45")


def test_date_columns_fill_in_missing_parts(sample):
    undated = exercise("mme9030")  # StartDate -9, s.year 1999, s.month 4, s.day xx
    assert (undated.start_date, undated.start_precision) == (dt.date(1999, 4, 1), DatePrecision.MONTH)
    assert undated.year == 1999


def test_date_text_and_columns_disagreeing_is_flagged():
    row = {"StartDate": "3/4/95", "s.year": "1995", "s.month": "4", "s.day": "4"}
    date, notes = mme.read_date(row, "StartDate", "s")
    assert date == mme.PartialDate(dt.date(1995, 3, 4), DatePrecision.DAY)
    assert notes == ['StartDate "3/4/95" and s.month "4" disagree; kept 3.']


def test_impossible_day_keeps_the_month_and_is_flagged():
    row = {"StartDate": "2/30/85", "s.year": "", "s.month": "", "s.day": ""}
    date, notes = mme.read_date(row, "StartDate", "s")
    assert date == mme.PartialDate(dt.date(1985, 2, 1), DatePrecision.MONTH)
    assert notes == ["StartDate: no day 30 in 1985-02; kept the month."]


def test_import_keeps_end_before_start_row_flagged(sample):
    bold_guard = exercise("mme281")
    assert (bold_guard.start_date, bold_guard.start_precision) == (dt.date(1982, 11, 11), DatePrecision.DAY)
    assert (bold_guard.end_date, bold_guard.end_precision) == (None, DatePrecision.UNKNOWN)
    assert bold_guard.needs_review
    assert 'StartDate "11/11/82"' in bold_guard.review_notes
    assert 'EndDate "11/10/82"' in bold_guard.review_notes
    assert "mme281" in sample.flagged


def test_minus_nine_is_missing(sample):
    undated = exercise("mme9030")
    assert (undated.end_date, undated.end_precision) == (None, DatePrecision.UNKNOWN)
    assert undated.description == ""
    assert undated.cyber is None
    assert not undated.locations.exists()
    assert exercise("mme650").description == ""


# -- Names, series, flags ---------------------------------------------------------------------------
def test_unnamed_exercise_gets_marked_name(sample):
    unnamed = exercise("mme94")
    assert unnamed.name == "Unnamed exercise (MME mme94)"
    assert unnamed.name_is_descriptive
    assert unnamed.slug == "mme94-unnamed"


def test_named_exercise_keeps_its_name_and_gets_readable_slug(sample):
    readex = exercise("mme87")
    assert (readex.name, readex.name_is_descriptive, readex.slug) == ("Readex 1-80", False, "mme87-readex-1-80")


def test_series_is_one_query(sample):
    cobra_gold = Exercise.objects.filter(series="Cobra Gold")
    assert sorted(cobra_gold.values_list("external_ids__identifier", flat=True)) == ["mme2900", "mme920"]
    assert Exercise.objects.filter(series="Readex").count() == 2


def test_domain_and_focus_flags(sample):
    readex = exercise("mme87")  # CPX 0, Air 0, Land 0, Sea 1, Amphibious 1, Cyber 0; Warfighting 1
    flags = {name: getattr(readex, name) for name in mme.FLAG_COLUMNS.values()}
    assert flags == {
        "cpx": False,
        "air": False,
        "land": False,
        "sea": True,
        "amphibious": True,
        "cyber": False,
        "warfighting": True,
        "peacekeeping": False,
        "humanitarian": False,
    }
    assert Exercise.objects.filter(peacekeeping=True, external_ids__identifier="mme3493").exists()


def test_focus_description_is_the_description(sample):
    assert exercise("mme87").description == "realistic war-at-sea scenario"


# -- Identity ---------------------------------------------------------------------------------------
def test_exercise_keeps_mme_identifier(sample):
    identifier = ExternalIdentifier.objects.get(identifier="mme87")
    assert (identifier.source.key, identifier.exercise.name) == ("mme-v7", "Readex 1-80")


def test_repeated_mmeid_rows_are_kept_apart_and_flagged(sample):
    first, second = exercise("mme9020"), exercise("mme9020_2")
    assert first.name == "Blue Road 2004"
    assert second.name == "Unnamed exercise (MME mme9020_2)"
    assert first.needs_review and second.needs_review
    assert "MME gives the MMEID mme9020 to 2 different rows" in second.review_notes


def test_every_imported_record_is_cited(sample):
    cited = Citation.objects.filter(source__key="mme-v7")
    imported = Exercise.objects.filter(external_ids__source__key="mme-v7")
    for target, queryset in [
        ("exercise", imported),
        ("participation", Participation.objects.filter(exercise__in=imported)),
        ("organisation_participation", OrganisationParticipation.objects.filter(exercise__in=imported)),
        ("troop_figure", TroopFigure.objects.filter(exercise__in=imported)),
        ("location", Location.objects.filter(exercises__in=imported).distinct()),
    ]:
        assert target in CITATION_TARGETS
        uncited = queryset.exclude(pk__in=cited.filter(**{f"{target}__isnull": False}).values(f"{target}_id"))
        assert queryset.exists() and not uncited.exists(), target


def test_citations_point_at_row_and_column(sample):
    citation = Citation.objects.get(source__key="mme-v7", key="mme90-participation-DEU")
    assert (citation.locator, citation.excerpt) == ("mme90 StateC", "Federal Republic of Germany")
    assert citation.participation == exercise("mme90").participations.get(state__code="DEU")


def test_long_texts_are_cut_to_a_citation_excerpt():
    cut = mme.excerpt(" ".join(f"word{n}" for n in range(40)))
    assert len(cut.split()) == 25
    assert cut.endswith("word23 …")


# -- Places -----------------------------------------------------------------------------------------
def test_location_text_and_coordinates_become_a_place(sample):
    vieques = Location.objects.get(slug="mme-vieques")
    assert (vieques.name, vieques.kind, vieques.state) == ("Vieques", LocationKind.SITE, None)
    assert (str(vieques.latitude), str(vieques.longitude)) == ("18.12629", "-65.44010")
    assert set(vieques.exercises.values_list("external_ids__identifier", flat=True)) == {"mme87", "mme301"}


def test_place_named_like_a_state_is_that_country(sample):
    korea = Location.objects.get(slug="mme-south-korea")  # "south korea" and "South Korea": one place
    assert (korea.kind, korea.state.code) == (LocationKind.COUNTRY, "KOR")
    assert set(korea.exercises.values_list("external_ids__identifier", flat=True)) == {"mme9001", "mme9002"}
    assert Location.objects.get(slug="mme-east-germany").state.code == "DDDE"


# -- Troop figures ----------------------------------------------------------------------------------
def test_troop_numbers_extracted_and_marked(sample):
    anorak = exercise("mme92")
    figure = anorak.troop_figures.get()
    assert (figure.low, figure.high, figure.qualifier) == (18000, None, Qualifier.AT_LEAST)
    assert (figure.basis, figure.is_extracted, figure.is_reported) == ("reported", True, True)
    assert anorak.reported_troops == 18000
    assert anorak.troops_text == "involved more than 18,000 soldiers"
    assert figure.citations.get().excerpt == "more than 18,000 soldiers"


def test_troop_figures_for_some_participants_are_not_reported(sample):
    kangaroo = exercise("mme3486")
    assert sorted(kangaroo.troop_figures.values_list("low", "is_reported")) == [(800, False), (3000, False)]
    assert kangaroo.reported_troops is None
    assert not exercise("mme650").troop_figures.get().is_reported  # "17,000 soviet and czechoslovak troops"


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("more than 1,000 personnel", [(Qualifier.AT_LEAST, 1000, True)]),
        ("about 5000 soldiers", [(Qualifier.ABOUT, 5000, True)]),
        ("involving 2,000 troops", [(Qualifier.EXACT, 2000, True)]),
        ("up to 2,000 u.s. marines", [(Qualifier.UP_TO, 2000, False)]),
        ("ABOUT 45 THOUSAND MILITARY PERSONNEL", [(Qualifier.ABOUT, 45000, True)]),
        ("some 8,000 army and amphibious ground troops", [(Qualifier.ABOUT, 8000, True)]),
        ("about 140 nz army and 120 air force personnel", [(Qualifier.EXACT, 120, False)]),
        ("some 50 armoured personnel carriers", []),
        ("40 ships and 80 aircraft", []),
        ("Three hundred people of 16 countries", []),
        ("The two countries sent 100 infantry men each", []),
    ],
)
def test_extract_troop_figures(phrase, expected):
    figures = extract_troop_figures(phrase, "FocusDescription")
    assert [(f.qualifier, f.value, f.whole) for f in figures] == expected


def test_troop_text_is_kept_where_no_figure_is_clear():
    assert mme.mentions_troops("The approximate total number of troops taking part in the exercise is 14,000.")
    assert not mme.mentions_troops("annual exercise")


# -- Duplicates -------------------------------------------------------------------------------------
def test_likely_duplicates_reported(sample):
    pairs = [(pair.first, pair.second, pair.reason) for pair in sample.duplicates]
    assert pairs == [("mme9010", "mme9011", "same name")]
    assert exercise("mme9010").pk != exercise("mme9011").pk  # reported, not merged


def test_same_series_without_overlapping_dates_is_no_duplicate(sample):
    assert not any({pair.first, pair.second} == {"mme87", "mme301"} for pair in sample.duplicates)


# -- Re-imports -------------------------------------------------------------------------------------
def test_first_import_creates_every_row(sample):
    assert (sample.rows, sample.created, sample.updated, sample.unchanged, sample.skipped) == (20, 20, 0, 0, [])


def test_reimport_changes_nothing(sample):
    counts = {model: model.objects.count() for model in (Exercise, Participation, Citation, Location, TroopFigure)}
    again = import_mme(SAMPLE)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 20)
    assert not +again.written
    assert {model: model.objects.count() for model in counts} == counts


def test_corrected_file_updates_changed_row(sample, tmp_path):
    corrected = variant(tmp_path, {"mme87": {"Ex_Name": "Readex 1-80 (corrected)", "StateA": ""}})
    summary = import_mme(corrected)
    readex = exercise("mme87")
    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 19)
    assert readex.name == "Readex 1-80 (corrected)"
    assert readex.slug == "mme87-readex-1-80"  # the slug stays, links keep working
    assert codes("mme87") == {"GBR", "USA"}
    assert not Citation.objects.filter(key="mme87-participation-NLD").exists()


def test_corrected_file_updates_dates_and_figures(sample, tmp_path):
    corrected = variant(
        tmp_path,
        {"mme92": {"EndDate": "3/20/80", "e.day": "20", "AdditionalParticipantInfo": "involved about 20,000 soldiers"}},
    )
    import_mme(corrected)
    anorak = exercise("mme92")
    assert anorak.end_date == dt.date(1980, 3, 20)
    assert (anorak.troop_figures.get().low, anorak.reported_troops) == (20000, 20000)


def test_reimport_keeps_analysts_own_participations(sample, tmp_path):
    readex = exercise("mme87")
    Participation.objects.create(exercise=readex, state=State.objects.lookup("France"), notes="From another source")
    import_mme(variant(tmp_path, {"mme87": {"StateA": ""}}))
    assert codes("mme87") == {"FRA", "GBR", "USA"}


def test_rows_left_out_of_a_file_are_left_alone(sample, tmp_path):
    summary = import_mme(variant(tmp_path, {}, drop=("mme87",)))
    assert summary.not_in_file == 1
    assert exercise("mme87").participations.count() == 3


def test_dry_run_writes_nothing():
    before = Exercise.objects.count()
    summary = import_mme(SAMPLE, dry_run=True)
    assert summary.created == 20
    assert Exercise.objects.count() == before


def test_import_does_not_query_per_row(django_assert_max_num_queries):
    with django_assert_max_num_queries(30):  # 27 for 20 rows; per-row queries would need hundreds
        import_mme(SAMPLE)


# -- Errors -----------------------------------------------------------------------------------------
def test_missing_file_fails_cleanly(tmp_path):
    with pytest.raises(CommandError, match=r"no such file\.$"):
        call_command("import_mme", str(tmp_path / "absent.csv"), no_progress=True)


def test_file_without_mme_columns_fails_cleanly():
    with pytest.raises(CommandError, match="is not the MME v7 CSV: it lacks the columns MMEID, Ex_Name"):
        call_command("import_mme", str(DATA / "not_mme.csv"), no_progress=True)


def test_binary_file_fails_cleanly(tmp_path):
    binary = tmp_path / "picture.png"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\xff\xfe")
    with pytest.raises(CommandError, match="is not a UTF-8 text file"):
        call_command("import_mme", str(binary), no_progress=True)


def test_missing_source_fails_cleanly():
    Source.objects.filter(key="mme-v7").delete()
    with pytest.raises(CommandError, match="loaddata sources"):
        call_command("import_mme", str(SAMPLE), no_progress=True)
    assert not Exercise.objects.filter(slug__startswith="mme").exists()


def test_import_is_atomic_on_error(monkeypatch):
    before = {model: model.objects.count() for model in (Exercise, Participation, Location, Citation)}

    def fail(self):
        raise RuntimeError("disk full")

    monkeypatch.setattr(mme.Writer, "write_citations", fail)
    with pytest.raises(RuntimeError):
        import_mme(SAMPLE)
    assert {model: model.objects.count() for model in before} == before


def test_command_prints_summary():
    out = StringIO()
    call_command("import_mme", str(SAMPLE), no_progress=True, stdout=out)
    text = out.getvalue()
    assert "Exercises: 20 created, 0 updated, 0 unchanged, 0 skipped." in text
    assert "Names not matched: none." in text
    assert "mme9010 ~ mme9011 (1992)" in text
    assert "mme281: The end is before the start" in text


# -- The whole data set -----------------------------------------------------------------------------
def csv_rows() -> list[dict[str, str]]:
    with FULL_FILE.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def listed(row: dict[str, str]) -> set[str]:
    return {value for column, value in row.items() if column.startswith("State") and value}


def expected_precisions(rows: list[dict[str, str]]) -> tuple[Counter, Counter]:
    """Start and end precisions from the s.* and e.* columns: xx day is month, an end before the start unknown."""
    starts, ends = Counter(), Counter()
    for row in rows:
        s_year, s_month, s_day = int(row["s.year"]), int(row["s.month"]), row["s.day"]
        e_year, e_month, e_day = int(row["e.year"]), int(row["e.month"]), row["e.day"]
        start = dt.date(s_year, s_month, 1 if s_day == "xx" else int(s_day))
        last = calendar.monthrange(e_year, e_month)[1] if e_day == "xx" else int(e_day)
        starts["month" if s_day == "xx" else "day"] += 1
        ends["unknown" if dt.date(e_year, e_month, last) < start else "month" if e_day == "xx" else "day"] += 1
    return starts, ends


@pytest.mark.skipif(not FULL_FILE.exists(), reason=f"the MME v7 data set is not at {FULL_FILE}")
class TestFullFile:
    """The whole of MME v7, imported once for the class (rolled back afterwards)."""

    @pytest.fixture(scope="class", autouse=True)
    @classmethod
    def full_import(cls, django_db_setup, django_db_blocker):
        """Import in a transaction of its own around the class's tests (each still rolls back its own)."""
        with django_db_blocker.unblock(), transaction.atomic():
            cls.summary = import_mme(FULL_FILE)
            cls.rows = csv_rows()
            yield
            transaction.set_rollback(True)

    def imported(self):
        return Exercise.objects.filter(external_ids__source__key="mme-v7")

    def test_every_row_becomes_an_exercise(self):
        assert self.summary.created == len(self.rows) == self.imported().count()
        assert self.summary.unmatched == Counter()

    @pytest.mark.parametrize(
        ("code", "year", "names"),
        [
            ("USA", 1995, {"United States"}),
            ("RUS", 2005, {"Russia"}),
            ("SUHH", 1985, {"Russia"}),
            ("DEU", 1985, {"Federal Republic of Germany", "Germany"}),
            ("DEU", 2000, {"Federal Republic of Germany", "Germany"}),
            ("KNA", 1992, {"St. Kitts & Nevis", "st. christopher"}),
        ],
    )
    def test_exercises_per_state_and_year_match_the_csv(self, code, year, names):
        expected = sum(1 for row in self.rows if row["s.year"] == str(year) and listed(row) & names)
        imported = self.imported().filter(year=year, participations__state__code=code).distinct().count()
        assert imported == expected > 0

    def test_date_precisions_match_the_csv(self):
        starts, ends = expected_precisions(self.rows)
        counts = {
            part: Counter(dict(self.imported().values_list(f"{part}_precision").annotate(n=Count("pk"))))
            for part in ("start", "end")
        }
        assert counts == {"start": starts, "end": ends}

    def test_reimport_changes_nothing(self):
        again = import_mme(FULL_FILE)
        assert (again.created, again.updated, again.unchanged) == (0, 0, len(self.rows))
        assert not +again.written
