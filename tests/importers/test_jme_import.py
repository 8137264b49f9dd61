"""The JME v3 importer on small workbooks written by the tests: codes, dates, records, errors, re-import."""

import pytest
from django.core.management import CommandError, call_command

from exercises.importers.jme import import_jme
from exercises.models import Citation, Exercise, ExternalIdentifier, PossibleDuplicate
from tests.importers.jme_sample import HEADER, row, workbook

pytestmark = pytest.mark.django_db


def jme(identifier: str) -> Exercise:
    return Exercise.objects.get(external_ids__source__key="jme-v3", external_ids__identifier=identifier)


def codes(identifier: str) -> set[str]:
    exercise = jme(identifier)
    states = set(exercise.participations.values_list("state__code", flat=True))
    return states | set(exercise.organisation_participations.values_list("organisation__acronym", flat=True))


@pytest.fixture
def sample(tmp_path):
    rows = [
        row("Midlink 74", "11/xx/1974", "11/30/1974", ["uSA", "TUR ", "pak", "GBR"], **{"JME Type": "FTX"}),
        row("Bear Hunt 85", "05/10/1985", "05/20/1985", ["RUS", "CSK", "DDR", "ROM"], Location1="Poland"),
        row("Steadfast 01", "xx/xx/2001", "-9", ["NATO", "8 NATO members", "-9", "USA"]),
        row("Dates Only 07", "11/xx/2007", "12/02/2007", ["FRA", "DEU"], **{"s.year": "", "s.month": ""}),
        row("Twice 09", "06/01/2009", "06/05/2009", ["IND", "FRA"]),
        row("Twice 09", "06/01/2009", "06/05/2009", ["IND", "FRA"]),
    ]
    return workbook(tmp_path, rows)


def test_codes_in_any_case_and_with_spaces_are_states(sample):
    import_jme(sample)
    assert codes("row2") == {"USA", "TUR", "PAK", "GBR"}


def test_withdrawn_and_changed_codes_are_their_states(sample):
    import_jme(sample)
    # 1985: RUS is the Soviet Union, CSK Czechoslovakia, DDR the GDR, ROM Romania (ROU since 2002).
    assert codes("row3") == {"SUHH", "CSHH", "DDDE", "ROU"}
    assert jme("row3").participations.get(state__code="ROU").notes == 'JME lists "ROM"'


def test_nato_takes_part_as_a_body_and_unnamed_groups_are_reported(sample):
    summary = import_jme(sample)
    assert codes("row4") == {"NATO", "USA"}
    assert summary.unmatched == {"8 NATO members": 1}
    assert summary.unnamed_participants == 1
    assert "8 NATO members" in jme("row4").review_notes


def test_date_strings_alone_are_read_with_their_precision(sample):
    import_jme(sample)
    exercise = jme("row5")
    assert (exercise.start, exercise.end) == ("2007-11", "2007-12-02")
    assert (jme("row4").start, jme("row4").end) == ("2001", None)


def test_the_source_record_keeps_what_the_row_says(sample):
    import_jme(sample)
    record = ExternalIdentifier.objects.get(source__key="jme-v3", identifier="row3")
    assert record.claims["participants"] == ["CSHH", "DDDE", "ROU", "SUHH"]
    assert record.claims["places"] == ["Poland"]
    assert record.claims["news_wire"] == ["19910101--0001-jme_1.txt"]
    assert record.locator == "row 3"


def test_the_news_wire_file_is_named_in_the_exercise_citation(sample):
    import_jme(sample)
    cited = Citation.objects.get(source__key="jme-v3", key="row2")
    assert cited.attributed_to == "news wire: 19910101--0001-jme_1.txt"
    assert cited.excerpt == "Midlink 74"


def test_the_type_column_codes_command_post_exercises(sample):
    import_jme(sample)
    assert jme("row2").cpx is False
    assert jme("row3").cpx is None


def test_the_files_own_duplicates_are_listed_for_review(sample):
    summary = import_jme(sample)
    assert [(pair.first, pair.second) for pair in summary.duplicates] == [("row6", "row7")]
    pair = PossibleDuplicate.objects.get()
    assert {pair.first_id, pair.second_id} == {jme("row6").pk, jme("row7").pk}


def test_a_second_import_changes_nothing(sample):
    import_jme(sample)
    again = import_jme(sample)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 6)
    assert not +again.written  # zero counts only


def test_a_file_without_the_jme_columns_is_refused_and_nothing_is_written(tmp_path):
    header = [title for title in HEADER if title not in ("Trimmed Name", "State A")]
    path = workbook(tmp_path, [row("X", "1/1/1990", "1/2/1990", ["USA"])], header=header)
    before = Exercise.objects.count()
    with pytest.raises(
        CommandError, match=r"is not the JME v3 workbook: it lacks the columns Trimmed Name, State A\.$"
    ):
        call_command("import_jme", str(path), no_progress=True)
    assert Exercise.objects.count() == before


def test_a_file_that_is_not_a_workbook_is_refused(tmp_path):
    path = tmp_path / "notes.xls"
    path.write_text("Exercise Name,Start Date\n")
    with pytest.raises(CommandError, match="is not an Excel 97 workbook"):
        call_command("import_jme", str(path), no_progress=True)


def test_the_command_prints_the_summary(sample):
    from io import StringIO

    out = StringIO()
    call_command("import_jme", str(sample), no_progress=True, stdout=out)
    text = out.getvalue()
    assert "JME v3 from" in text and "6 rows." in text
    assert "Exercises: 6 created, 0 rows linked to an existing exercise" in text
    assert 'Names not matched: "8 NATO members" (1).' in text
