"""Import the Multinational Military Exercises data set, version 7 (MME v7).

MME (Vito D'Orazio and Christian Galambos; Harvard Dataverse, doi:10.7910/DVN/KHFODX) has one row per
exercise, 1980-2010. :func:`import_mme` reads its CSV, maps every row onto an :class:`Exercise` and the
records around it, and writes only the differences with the database, in one transaction: importing
the same file again changes nothing, a corrected file changes what was corrected. Every record it
writes is cited to the source ``mme-v7`` (``seeds/sources.json``) with the MMEID and column as locator.

How MME's values are read is written where it is done, each a decision an analyst needs when reading
imported data; the stages, in order:

- :mod:`.read`: the CSV, its columns, names, flags, descriptions and places of each row;
- :mod:`.dates`: StartDate/EndDate and their part columns (rules in ``importers.partial_dates``);
- :mod:`.troops`: troop figures in the free text;
- :mod:`.names`: participant names to states and organisations (rules in ``importers.states``);
- :mod:`.plan`: rows told apart and unified, plans, likely duplicates;
- :mod:`.write`: the writer (``importers.sync``, ``importers.citations``, ``exercises.services``).
"""

from pathlib import Path

from django.db import transaction
from tqdm import tqdm

from exercises.importers.mme.plan import Plan, likely_duplicates, plan_rows, settle_rows
from exercises.importers.mme.read import DATASET, SOURCE_KEY, MMEImportError, read_csv, read_rows
from exercises.importers.mme.troops import extract_troop_figures
from exercises.importers.mme.write import Writer
from exercises.importers.report import ImportSummary
from exercises.models import Source

__all__ = ["SOURCE_KEY", "ImportSummary", "MMEImportError", "extract_troop_figures", "import_mme"]


def import_mme(path: Path | str, *, dry_run: bool = False, progress: bool = False) -> ImportSummary:
    """Import the MME v7 CSV at ``path`` in one transaction; with ``dry_run``, roll it back.

    Raises :class:`MMEImportError`, with nothing written, when the file cannot be read as the MME CSV
    or the database lacks the source ``mme-v7`` or the states and organisations the file needs.
    """
    path = Path(path)
    participant_columns, raw_rows = read_csv(path)
    summary = ImportSummary(path=path, dataset=DATASET, source="MME", dry_run=dry_run, rows=len(raw_rows))
    reading = tqdm(raw_rows, desc="Reading MME v7", unit="row", disable=not progress)
    rows, summary.skipped = read_rows(reading, participant_columns)
    settle_rows(rows)
    with transaction.atomic():
        source = Source.objects.filter(key=SOURCE_KEY).first()
        if source is None:
            raise MMEImportError(
                f"The source {SOURCE_KEY!r} is not registered: load the register with `manage.py loaddata sources`."
            )
        plans, states, place_states = plan_rows(rows)
        writer = Writer(source, plans, states, place_states)
        writer.run(progress)
        summarise(summary, plans, writer)
        if dry_run:
            transaction.set_rollback(True)
    return summary


def summarise(summary: ImportSummary, plans: list[Plan], writer: Writer) -> None:
    """Fill in the summary from the plans and from what the writer did."""
    for plan in plans:
        identifier = plan.row.identifier
        summary.count_exercise(created=identifier in writer.created, changed=identifier in writer.changed)
        summary.count_participants(plan.participants)
        summary.figures += len(plan.row.figures)
        if plan.row.review:
            summary.flagged[identifier] = plan.row.review
    summary.reported_figures = writer.reported_figures
    summary.places = len(writer.place_slugs)
    summary.duplicates = likely_duplicates(plans)
    summary.written = writer.written
    summary.not_in_file = writer.not_in_file
