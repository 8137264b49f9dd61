"""The MME v7 importer end to end: names, series and flags, identity and citations, places, duplicates,
re-imports and errors. Most tests import ``tests/data/mme/sample.csv`` (see ``mme_sample``)."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from exercises.choices import LocationKind
from exercises.importers.mme import import_mme
from exercises.importers.mme.read import FLAG_COLUMNS
from exercises.importers.writer import Writer
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
from tests.importers.mme_sample import DATA, SAMPLE, codes, exercise, variant

pytestmark = pytest.mark.django_db


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
    flags = {name: getattr(readex, name) for name in FLAG_COLUMNS.values()}
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


def test_corrected_dates_move_an_analysts_undated_phase_with_its_exercise(sample, tmp_path):
    anorak = exercise("mme92")
    phase = Exercise.objects.create(name="Anorak Express 80, landing", slug="anorak-80-landing", parent=anorak)
    assert (phase.year, phase.span_end) == (1980, dt.date(1980, 3, 19))
    corrected = {"StartDate": "3/14/81", "s.year": "1981", "EndDate": "3/20/81", "e.year": "1981", "e.day": "20"}
    import_mme(variant(tmp_path, {"mme92": corrected}))
    phase.refresh_from_db()
    assert (phase.year, phase.span_start, phase.span_end) == (1981, dt.date(1981, 3, 14), dt.date(1981, 3, 20))


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
    with django_assert_max_num_queries(50):  # 48 for 20 rows (matching and attestations included); per row: hundreds
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

    monkeypatch.setattr(Writer, "write_citations", fail)
    with pytest.raises(RuntimeError):
        import_mme(SAMPLE)
    assert {model: model.objects.count() for model in before} == before


def test_command_prints_summary():
    out = StringIO()
    call_command("import_mme", str(SAMPLE), no_progress=True, stdout=out)
    text = out.getvalue()
    assert "Exercises: 20 created, 0 rows linked to an existing exercise, 0 updated, 0 unchanged, 0 skipped." in text
    assert "Names not matched: none." in text
    assert "mme9010 ~ mme9011 (1992)" in text
    assert "mme281: The end is before the start" in text
