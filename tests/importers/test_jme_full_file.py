"""The whole of JME v3 and MME v7 from the shared folder (skipped where absent, saying so), against
figures computed here from the files themselves."""

from collections import Counter

import pytest
import xlrd
from django.db import transaction

from exercises.importers.jme import import_jme
from exercises.importers.mme import import_mme
from exercises.models import Exercise, ExternalIdentifier
from tests.importers.jme_sample import FULL_FILE
from tests.importers.mme_sample import FULL_FILE as MME_FILE

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not (FULL_FILE.exists() and MME_FILE.exists()),
        reason=f"the shared data sets are absent ({FULL_FILE}, {MME_FILE})",
    ),
]


@pytest.fixture(scope="module")
def sheet():
    return xlrd.open_workbook(FULL_FILE).sheet_by_name("Sheet1_2")


@pytest.fixture(scope="module")
def both(django_db_setup, django_db_blocker):
    """Both files imported once for the module, in a transaction rolled back afterwards (each test
    still rolls back its own)."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield import_mme(MME_FILE), import_jme(FULL_FILE)
        transaction.set_rollback(True)


def test_every_row_of_the_sheet_is_read(both, sheet):
    assert both[1].rows == sheet.nrows - 1 == 1790
    assert both[1].created + both[1].linked == 1790


def test_every_participant_code_is_resolved_or_reported(both, sheet):
    header = sheet.row_values(0)
    columns = [i for i, title in enumerate(header) if title.startswith("State ")]
    cells = Counter()
    for number in range(1, sheet.nrows):
        for column in columns:
            value = sheet.cell_value(number, column)
            if value not in ("", -9.0, "-9"):
                cells[str(value).strip()] += 1
    summary = both[1]
    accounted = summary.participants_matched + summary.organisations_matched + sum(summary.unmatched.values())
    assert accounted == sum(cells.values())
    assert set(summary.unmatched) == {"8 NATO members"}


def test_linked_rows_share_a_name_and_overlapping_dates_with_their_mme_record(both):
    from exercises.importers.matching import name_keys

    pairs = Exercise.objects.filter(external_ids__source__key="jme-v3").filter(external_ids__source__key="mme-v7")
    assert pairs.count() == both[1].linked > 600  # about 670 share name and year, says the data's README
    for exercise in pairs:
        records = {record.source.key: record.claims for record in exercise.external_ids.select_related("source")}
        years = {exercise.span_start.year, exercise.span_end.year}
        assert name_keys(records["jme-v3"]["name"], years) & name_keys(records["mme-v7"]["name"], years)


def test_about_one_in_seven_shared_exercises_disputes_its_participants(both):
    shared = Exercise.objects.filter(source_count__gte=2, external_ids__source__key="jme-v3").distinct()
    disputed = shared.filter(disputed_participants=True).count()
    assert 0.08 < disputed / shared.count() < 0.2


def test_a_second_import_of_either_writes_nothing(both):
    assert not +import_jme(FULL_FILE).written
    assert not +import_mme(MME_FILE).written
    assert ExternalIdentifier.objects.filter(source__key="jme-v3").count() == 1790


def test_the_seeds_csto_exercises_of_2010_and_mmes_vzaimodeystviye_2010_become_one(both):
    from exercises.merges import merge_exercises

    other = Exercise.objects.get(external_ids__source__key="mme-v7", external_ids__identifier="mme3406")
    kept = Exercise.objects.get(slug="csto-exercises-2010")
    merge_exercises(kept, other, reason="the README's data step")
    sources = {
        participation.state.code: set(participation.citations.values_list("source__key", flat=True))
        for participation in kept.participations.select_related("state")
    }
    seed, mme = "kucera-2011-csto-vision", "mme-v7"
    assert sources == {
        "BLR": {seed},
        "UZB": {seed},
        **{code: {seed, mme} for code in ("ARM", "KAZ", "KGZ", "RUS", "TJK")},
    }
    kept.refresh_from_db()
    assert kept.disputed_participants and kept.source_count == 2
